using System.Text.Json;

namespace Discernus.Provenance;

/// <summary>
/// One run's folder (ARCHITECTURE "Run folder"). Files are written atomically and never overwritten with different
/// content; the manifest is replaced as a whole, under a lock, so concurrent agents cannot lose each other's updates.
/// </summary>
public sealed class RunFolder
{
    public const string ManifestFileName = "manifest.json";
    private readonly SemaphoreSlim _manifestLock = new(1, 1);

    public RunFolder(string path, string runId)
    {
        Path = System.IO.Path.GetFullPath(path);
        RunId = runId;
    }

    public string Path { get; }
    public string RunId { get; }
    public string ManifestPath => System.IO.Path.Combine(Path, ManifestFileName);
    public string LogsDirectory => System.IO.Path.Combine(Path, "logs");
    public string AssetsDirectory => System.IO.Path.Combine(Path, "assets");
    public string BatchAnalysisDirectory => System.IO.Path.Combine(Path, "results", "batch_analysis");
    public string SynthesisDirectory => System.IO.Path.Combine(Path, "results", "synthesis");
    public string ReportsDirectory => System.IO.Path.Combine(Path, "results", "reports");

    public static RunFolder Open(string path)
    {
        var manifest = ReadManifest(System.IO.Path.Combine(path, ManifestFileName));
        return new RunFolder(path, manifest.RunId);
    }

    public static RunManifest ReadManifest(string manifestPath)
    {
        var bytes = File.ReadAllBytes(manifestPath);
        return JsonSerializer.Deserialize<RunManifest>(bytes, DiscernusJson.Indented)
            ?? throw new InvalidDataException($"{manifestPath} is empty");
    }

    public RunManifest ReadManifest() => ReadManifest(ManifestPath);

    public async Task<RunManifest> UpdateManifestAsync(Func<RunManifest, RunManifest> update, CancellationToken cancellationToken = default)
    {
        await _manifestLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var updated = update(ReadManifest());
            await WriteAtomicallyAsync(ManifestPath, DiscernusJson.Serialize(updated), CancellationToken.None).ConfigureAwait(false);
            return updated;
        }
        finally
        {
            _manifestLock.Release();
        }
    }

    internal Task WriteManifestAsync(RunManifest manifest, CancellationToken cancellationToken = default) =>
        WriteAtomicallyAsync(ManifestPath, DiscernusJson.Serialize(manifest), cancellationToken);

    /// <summary>Writes a file of the run (relative path) and returns its SHA-256; existing identical content is kept as is.</summary>
    public async Task<string> WriteFileAsync(string relativePath, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var hash = Hashing.Sha256Hex(content.Span);
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, relativePath));
        if (!full.StartsWith(Path + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{relativePath}' is outside the run folder", nameof(relativePath));
        }

        if (File.Exists(full))
        {
            var existing = await Hashing.Sha256FileAsync(full, cancellationToken).ConfigureAwait(false);
            if (existing == hash)
            {
                return hash;
            }

            throw new IOException($"{full} already exists with different content; a run folder is never overwritten");
        }

        await WriteAtomicallyAsync(full, content, cancellationToken).ConfigureAwait(false);
        return hash;
    }

    public string Relative(string fullPath) => System.IO.Path.GetRelativePath(Path, fullPath).Replace('\\', '/');

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
