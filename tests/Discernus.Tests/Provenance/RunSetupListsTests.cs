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
