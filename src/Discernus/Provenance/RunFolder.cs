using System.Text.Json;
using Discernus.Content;

namespace Discernus.Provenance;

/// <summary>
/// One run's folder (ARCHITECTURE "Run folder"). Files are written atomically and never overwritten with different
/// content; the manifest is replaced as a whole, under a lock, so concurrent agents cannot lose each other's updates.
/// </summary>
internal sealed class RunFolder
{
    public const string ManifestFileName = "manifest.json";

    // The layout of every run folder, as '/'-separated paths relative to it (the form the manifest records). Only
    // these members spell it, so the writers, the verifier, `export`, `costs` and the web pages cannot drift apart.
    public const string LogsFolder = "logs";
    public const string AssetsFolder = "assets";
    public const string ResultsFolder = "results";
    public const string InteractionsLogName = "llm_interactions";
    public const string InteractionsLog = LogsFolder + "/" + InteractionsLogName + ".jsonl";
    public const string BatchAnalysisFolder = ResultsFolder + "/batch_analysis";
    public const string SynthesisFolder = ResultsFolder + "/synthesis";
    public const string ReportsFolder = ResultsFolder + "/reports";
    public const string ExportsFolder = ResultsFolder + "/exports";
    public const string PretestFolder = ResultsFolder + "/pretest";
    public const string StatisticsFile = SynthesisFolder + "/statistics.json";
    public const string CalibrationFile = SynthesisFolder + "/calibration.json";
    public const string ReportMarkdownFile = ReportsFolder + "/report.md";
    public const string ReportHtmlFile = ReportsFolder + "/report.html";
    public const string PretestReportFile = PretestFolder + "/pretest.json";
    public const string PretestMarkdownFile = PretestFolder + "/pretest.md";

    public static string AnalysisResultFile(string hash) => $"{BatchAnalysisFolder}/{hash}.json";

    public static string SynthesisFile(string hash) => $"{SynthesisFolder}/{hash}.md";

    public static string ExportFile(string name) => $"{ExportsFolder}/{name}";

    /// <summary>The full path of a layout path (one of the constants above) inside the run folder at <paramref name="runFolder"/>.</summary>
    public static string Full(string runFolder, string relative) =>
        System.IO.Path.Combine(runFolder, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));

    private readonly SemaphoreSlim _manifestLock = new(1, 1);

    public RunFolder(string path, string runId)
    {
        Path = System.IO.Path.GetFullPath(path);
        RunId = runId;
    }

    public string Path { get; }
    public string RunId { get; }
    public string ManifestPath => System.IO.Path.Combine(Path, ManifestFileName);
    public string LogsDirectory => Full(Path, LogsFolder);
    public string AssetsDirectory => Full(Path, AssetsFolder);
    public string BatchAnalysisDirectory => Full(Path, BatchAnalysisFolder);
    public string SynthesisDirectory => Full(Path, SynthesisFolder);
    public string ReportsDirectory => Full(Path, ReportsFolder);

    public static RunFolder Open(string path)
    {
        var manifest = ReadManifest(System.IO.Path.Combine(path, ManifestFileName));
        return new RunFolder(path, manifest.RunId);
    }

    /// <summary>The whole manifest, its lists included; read as a stream, never as one buffer.</summary>
    public static RunManifest ReadManifest(string manifestPath)
    {
        using var stream = new FileStream(manifestPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.SequentialScan);
        return JsonSerializer.Deserialize<RunManifest>(stream, DiscernusJson.Indented)
            ?? throw new InvalidDataException($"{manifestPath} is empty");
    }

    public RunManifest ReadManifest() => ReadManifest(ManifestPath);

    /// <summary>
    /// The manifest without its per-document lists, for readers that need its status, stages, cost or outputs: at
    /// 100,000 documents the whole manifest is about 100 MB of JSON and several hundred MB once parsed.
    /// </summary>
    public static RunManifest ReadManifestHead(string manifestPath) => ManifestStream.ReadHead(manifestPath);

    /// <summary>
    /// The manifest without its per-document lists (<c>documents</c> and <c>files</c> come back empty): what a run
    /// keeps in memory. The lists are read entry by entry with <see cref="ReadDocuments"/> and <see cref="ReadFiles"/>.
    /// </summary>
    public RunManifest ReadManifestHead() => Remembered().Head;

    /// <summary>
    /// The head this folder last wrote and where that file's lists lie, while the file is still that one: after a run's
    /// analyses the head holds a hash per document, and parsing it again for every update was most of the memory a run's
    /// last stages churned. Otherwise the head read from the file, and no layout.
    /// </summary>
    private (RunManifest Head, ManifestLayout? Layout) Remembered()
    {
        lock (_headGate)
        {
            if (_head is { } head && Stamp() == _headStamp)
            {
                return (head, _layout);
            }
        }

        return (ManifestStream.ReadHead(ManifestPath), null);
    }

    private readonly Lock _headGate = new();
    private RunManifest? _head;
    private ManifestLayout? _layout;
    private (long Length, DateTime Written) _headStamp;

    private (long Length, DateTime Written) Stamp()
    {
        var info = new FileInfo(ManifestPath);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1, default);
    }

    private void Remember(RunManifest head, ManifestLayout? layout)
    {
        lock (_headGate)
        {
            _headStamp = Stamp();
            (_head, _layout) = (head, layout is { } written ? written with { Length = _headStamp.Length, Written = _headStamp.Written } : null);
        }
    }

    /// <summary>Manifest updates that read a list of the file they replaced entry by entry (the documents, or the files to change them), not copied as it was.</summary>
    internal int ListsReadEntryByEntry { get; private set; }

    /// <summary>The manifest's documents, read one entry at a time.</summary>
    public void ReadDocuments(Action<ManifestDocument> onDocument) =>
        ManifestStream.ReadList(ManifestPath, ManifestStream.DocumentsProperty, onDocument);

    /// <summary>The manifest's files, read one entry at a time.</summary>
    public void ReadFiles(Action<ManifestFile> onFile) =>
        ManifestStream.ReadList(ManifestPath, ManifestStream.FilesProperty, onFile);

    /// <summary>
    /// Changes the manifest under a lock. <paramref name="update"/> sees the head (<see cref="ReadManifestHead"/>) and
    /// returns the new head; the <c>documents</c> and <c>files</c> lists are streamed from the file being replaced,
    /// with <paramref name="files"/> applied. Returns the new head.
    /// </summary>
    internal async Task<RunManifest> UpdateManifestAsync(Func<RunManifest, RunManifest> update, ManifestFileChanges? files, CancellationToken cancellationToken = default)
    {
        await _manifestLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (head, layout) = Remembered();
            var updated = update(head);
            if (layout is null || files is not null)
            {
                ListsReadEntryByEntry++;
            }

            Remember(updated, ManifestStream.Write(ManifestPath, updated, listsFrom: ManifestPath, files, layout));
            return updated;
        }
        finally
        {
            _manifestLock.Release();
        }
    }

    /// <inheritdoc cref="UpdateManifestAsync(Func{RunManifest, RunManifest}, ManifestFileChanges?, CancellationToken)"/>
    public Task<RunManifest> UpdateManifestAsync(Func<RunManifest, RunManifest> update, CancellationToken cancellationToken = default) =>
        UpdateManifestAsync(update, null, cancellationToken);

    /// <summary>Writes a whole manifest (lists included), streamed to the file.</summary>
    internal Task WriteManifestAsync(RunManifest manifest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ManifestStream.Write(ManifestPath, manifest);
        Remember(manifest with { Documents = [], Files = [] }, null);
        return Task.CompletedTask;
    }

    /// <summary>Writes a manifest head with the lists RUN SETUP wrote to scratch files (<see cref="ManifestLists"/>).</summary>
    internal Task WriteManifestAsync(RunManifest head, ManifestLists lists, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Remember(head, ManifestStream.Write(ManifestPath, head, listsFrom: lists.Path));
        return Task.CompletedTask;
    }

    /// <summary>Writes a file of the run (relative path) and returns its SHA-256; existing identical content is kept as is.</summary>
    public async Task<string> WriteFileAsync(string relativePath, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var hash = Hashing.Sha256Hex(content.Span);
        var full = Inside(relativePath);
        if (!await HoldsAlreadyAsync(full, hash, cancellationToken).ConfigureAwait(false))
        {
            await WriteAtomicallyAsync(full, content, cancellationToken).ConfigureAwait(false);
        }

        return hash;
    }

    /// <summary>
    /// Writes a file of a run that RUN SETUP is creating (relative path) in place: created exclusively, so nothing is
    /// ever replaced, without the temporary file and rename of <see cref="WriteFileAsync"/>. Run setup writes one such
    /// file per document, and the rename doubled what each cost the file system. In place is safe only there: the folder
    /// is new, no one else writes in it, and a setup cut short leaves a folder its manifest marks as not set up (no run
    /// resumes from it, `verify` reports the file). Returns the file's SHA-256 and whether this call created it;
    /// existing identical content is kept, other content is never overwritten.
    /// </summary>
    internal async Task<(string Hash, bool Created)> CreateFileAsync(string relativePath, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var hash = Hashing.Sha256Hex(content.Span);
        var full = Inside(relativePath);
        FileStream stream;
        try
        {
            stream = CreateExclusively(full);
        }
        catch (IOException) when (File.Exists(full))
        {
            // An identical document earlier in the corpus; HoldsAlreadyAsync throws when the content differs.
            await HoldsAlreadyAsync(full, hash, cancellationToken).ConfigureAwait(false);
            return (hash, false);
        }

        try
        {
            using (stream)
            {
                stream.Write(content.Span);
            }
        }
        catch
        {
            File.Delete(full);
            throw;
        }

        return (hash, true);
    }

    private static FileStream CreateExclusively(string path)
    {
        try
        {
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        }
    }

    /// <summary>The full path of a file of the run; a relative path that leaves the folder is refused.</summary>
    private string Inside(string relativePath)
    {
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, relativePath));
        return full.StartsWith(Path + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new ArgumentException($"'{relativePath}' is outside the run folder", nameof(relativePath));
    }

    /// <summary>True when the file exists with this content; an existing file with other content is never overwritten.</summary>
    private static async Task<bool> HoldsAlreadyAsync(string full, string hash, CancellationToken cancellationToken)
    {
        if (!File.Exists(full))
        {
            return false;
        }

        return await Hashing.Sha256FileAsync(full, cancellationToken).ConfigureAwait(false) == hash
            ? true
            : throw new IOException($"{full} already exists with different content; a run folder is never overwritten");
    }

    /// <summary>
    /// Copies the artifact <paramref name="hash"/> from <paramref name="store"/> to a file of the run (relative path) as a
    /// stream, never holding it whole; as <see cref="WriteFileAsync"/>, identical content already there is kept and
    /// different content is never overwritten. False when the store does not hold it.
    /// </summary>
    public async Task<bool> CopyFileFromStoreAsync(string relativePath, Artifacts.IArtifactStore store, string hash, CancellationToken cancellationToken = default)
    {
        var full = Inside(relativePath);
        if (await HoldsAlreadyAsync(full, hash, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        var directory = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".tmp-{Guid.NewGuid():N}");
        try
        {
            // The store checks what it wrote against the hash (HashVerifyingArtifactStore) before it is moved into place.
            if (!await store.GetFileAsync(hash, temp, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            File.Move(temp, full, overwrite: true);
            return true;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    public string Relative(string fullPath) => System.IO.Path.GetRelativePath(Path, fullPath).Replace('\\', '/');

    /// <summary>Writes a file through <paramref name="write"/> to a temporary name, then moves it into place.</summary>
    internal static void WriteAtomically(string path, Action<Stream> write)
    {
        var directory = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".tmp-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024))
            {
                write(stream);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    internal static async Task WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".tmp-{Guid.NewGuid():N}");
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                stream.Write(content.Span);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
