using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Faults;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Provenance;

/// <summary>
/// Issue 17: RUN SETUP writes the manifest's documents and files lists entry by entry to scratch files instead of
/// holding a million entries. The manifest must be the one it always wrote: every document, each asset listed once
/// (two identical documents share one), the corpus hash of the documents; and no scratch file may stay behind, whether
/// the setup succeeds or fails.
/// </summary>
public sealed class RunSetupListsTests : IDisposable
{
    private readonly TempFolder _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task TwoIdenticalDocuments_ShareOneAsset_ListedOnce_AndTheFolderVerifies()
    {
        var experiment = SyntheticExperiment.Create(_root.Path, "same", 5);
        var corpus = Path.Combine(experiment, "corpus");
        File.Copy(Path.Combine(corpus, "doc_00000.txt"), Path.Combine(corpus, "doc_00003.txt"), overwrite: true);
        var (store, report, readings) = await ReadAsync(experiment);

        var (folder, log) = await new RunSetup(store, TimeProvider.System).SetUpAsync(Request(report, readings));
        log.Dispose();

        var manifest = folder.ReadManifest();
        Assert.Equal(report.Experiment!.Corpus.Documents.Select(d => d.DocumentId), manifest.Documents.Select(d => d.DocumentId));
        Assert.Equal(manifest.Documents[0].Asset, manifest.Documents[3].Asset);
        Assert.Equal(manifest.Files.Count, manifest.Files.Select(f => f.Path).Distinct().Count());
        Assert.Equal(4, manifest.Files.Count(f => f.Role == "document"));
        Assert.Equal(["experiment", "framework", "corpus_manifest"], manifest.Files.Take(3).Select(f => f.Role));
        Assert.Equal(RunSetup.CorpusHash(manifest.Documents), manifest.Corpus!.Sha256);
        Assert.Equal(5, manifest.Corpus.DocumentCount);
        Assert.Empty(Directory.GetFiles(folder.Path, ".tmp-*"));
        Assert.True((await RunVerifier.VerifyAsync(folder.Path)).Succeeded);
    }

    [Fact]
    public async Task ASetupThatFails_LeavesNoScratchFiles_AndSaysWhy()
    {
        var experiment = SyntheticExperiment.Create(_root.Path, "lost", 5);
        var (store, report, readings) = await ReadAsync(experiment);
        // The third document's bytes are gone from the store when run setup copies them.
        File.Delete(store.ObjectPath(readings[2].Sha256));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new RunSetup(store, TimeProvider.System).SetUpAsync(Request(report, readings)));

        Assert.Contains(readings[2].File, error.Message, StringComparison.Ordinal);
        var folder = Directory.GetDirectories(Path.Combine(experiment, "runs")).Single();
        Assert.Empty(Directory.GetFiles(folder, ".tmp-*"));
        Assert.Equal(RunStatus.Failed, RunFolder.ReadManifest(Path.Combine(folder, RunFolder.ManifestFileName)).Status);
    }

    [Fact]
    public async Task Assets_AreWrittenInPlace_NoneRenamedIntoPlace()
    {
        // A temporary file renamed into place doubled what each document's asset cost the file system (issue 17).
        var experiment = SyntheticExperiment.Create(_root.Path, "inplace", 12);
        var (store, report, readings) = await ReadAsync(experiment);
        var renamed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        using var watcher = new FileSystemWatcher(experiment) { IncludeSubdirectories = true, InternalBufferSize = 64 * 1024 };
        watcher.Renamed += (_, e) => renamed.Enqueue(e.FullPath);
        watcher.Created += (_, e) => seen[Path.GetFileName(e.FullPath)] = true;
        watcher.EnableRaisingEvents = true;

        var (folder, log) = await new RunSetup(store, TimeProvider.System).SetUpAsync(Request(report, readings));
        log.Dispose();
        // The watcher reports in order: once it has seen this file, it has seen every rename before it.
        await File.WriteAllTextAsync(Path.Combine(experiment, "sentinel"), "");
        for (var waited = 0; waited < 200 && !seen.ContainsKey("sentinel"); waited++)
        {
            await Task.Delay(25);
        }

        Assert.True(seen.ContainsKey("sentinel"), "the file-system watcher never reported the sentinel");
        var assets = folder.ReadManifest().Files.Count(f => f.Path.StartsWith("assets/", StringComparison.Ordinal));
        Assert.True(assets >= 12, $"{assets} assets listed");
        Assert.DoesNotContain(renamed, path => path.Contains($"{Path.DirectorySeparatorChar}assets{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        Assert.True((await RunVerifier.VerifyAsync(folder.Path)).Succeeded);
    }

    [Fact]
    public async Task AFileCreatedInPlace_KeepsIdenticalContent_AndNeverOverwritesOther()
    {
        var folder = new RunFolder(Path.Combine(_root.Path, "run"), "run");
        Directory.CreateDirectory(folder.Path);
        var content = "the document"u8.ToArray();

        var first = await folder.CreateFileAsync("assets/a.txt", content);
        var again = await folder.CreateFileAsync("assets/a.txt", content);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "assets", "b.txt"), "something else");
        var error = await Assert.ThrowsAsync<IOException>(() => folder.CreateFileAsync("assets/b.txt", content));

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Hash, again.Hash);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(folder.Path, "assets", "a.txt")));
        Assert.Contains("never overwritten", error.Message, StringComparison.Ordinal);
        Assert.Equal("something else", await File.ReadAllTextAsync(Path.Combine(folder.Path, "assets", "b.txt")));
        await Assert.ThrowsAsync<ArgumentException>(() => folder.CreateFileAsync("../outside.txt", content));
    }

    private async Task<(FolderArtifactStore Store, ValidationReport Report, IReadOnlyList<DocumentReading> Readings)> ReadAsync(string experiment)
    {
        var report = ExperimentValidator.Validate(experiment, new ExperimentLimits(), readDocuments: false);
        Assert.True(report.IsValid);
        var store = new FolderArtifactStore(Path.Combine(_root.Path, "store-" + Path.GetFileName(experiment)));
        var (findings, readings) = await DocumentIntake.ReadAsync(report.Experiment!, store, null);
        Assert.Empty(findings);
        return (store, report, readings);
    }

    private static RunSetupRequest Request(ValidationReport report, IReadOnlyList<DocumentReading> readings) => new()
    {
        Validation = report,
        Prompts = PromptLibrary.All(),
        Models = new ManifestModels { Names = ["lexicon"], Source = "default" },
        SoftwareVersion = "test",
        Documents = readings,
    };
}
