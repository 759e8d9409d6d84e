using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Experiments;
using Discernus.Tests.Orchestration;

namespace Discernus.Tests.Provenance;

/// <summary>The one read of a run's documents (DocumentIntake) and run setup taking its result from the store.</summary>
public sealed class DocumentIntakeTests
{
    private static readonly ManifestModels Lexicon = new() { Names = ["lexicon"], Source = "default" };

    [Fact]
    public async Task RunSetup_StoresTheBytesValidationRead_EvenWhenTheFileChangesAfterwards_AndReadsNoDocument()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var report = ExperimentValidator.Validate(temp.Path, new ExperimentLimits(), readDocuments: false);
        var store = new FolderArtifactStore(temp.Outside("artifacts"));
        var (findings, readings) = await DocumentIntake.ReadAsync(report.Experiment!, store, null);
        Assert.Empty(findings);
        var first = report.Experiment!.Corpus.Documents[0];
        var validated = await File.ReadAllBytesAsync(first.FullPath);
        await File.WriteAllTextAsync(first.FullPath, "A different text written after validation.\n");

        using var reads = new DocumentReadCounter(temp.Path);
        var (folder, _) = await new RunSetup(store, TimeProvider.System).SetUpAsync(new RunSetupRequest
        {
            Validation = report,
            Prompts = PromptLibrary.All(),
            Models = Lexicon,
            SoftwareVersion = "test",
            Documents = readings,
        });

        Assert.Empty(reads.Reads);
        var document = folder.ReadManifest().Documents.Single(d => d.DocumentId == first.DocumentId);
        Assert.Equal(Hashing.Sha256Hex(validated), document.Sha256);
        Assert.Equal(validated, await File.ReadAllBytesAsync(Path.Combine(folder.Path, document.Asset)));
        Assert.True((await RunVerifier.VerifyAsync(folder.Path)).Succeeded);
    }

    [Fact]
    public async Task RunSetup_WithoutReadings_ReadsTheDocumentsOnce_AndRefusesOneThatBecameUnusable()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var report = ExperimentValidator.Validate(temp.Path, new ExperimentLimits());
        Assert.True(report.IsValid);
        var store = new FolderArtifactStore(temp.Outside("artifacts"));
        var second = report.Experiment!.Corpus.Documents[1];
        await File.WriteAllBytesAsync(second.FullPath, [0x66, 0x6f, 0xff, 0x6f]);

        using var reads = new DocumentReadCounter(temp.Path);
        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => new RunSetup(store, TimeProvider.System).SetUpAsync(new RunSetupRequest
        {
            Validation = report,
            Prompts = PromptLibrary.All(),
            Models = Lexicon,
            SoftwareVersion = "test",
        }));

        Assert.Contains(second.FileName, failure.Message);
        Assert.Contains("not valid UTF-8", failure.Message);
        Assert.Contains("changed after validation", failure.Message);
        Assert.All(reads.Reads, r => Assert.Equal(1, r.Value));
        Assert.Equal(2, reads.Reads.Count);
    }

    [Fact]
    public async Task Readings_AreNotUsed_WhenTheyNoLongerMatchTheCorpus()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var report = ExperimentValidator.Validate(temp.Path, new ExperimentLimits(), readDocuments: false);
        var store = new FolderArtifactStore(temp.Outside("artifacts"));
        var (_, readings) = await DocumentIntake.ReadAsync(report.Experiment!, store, null);
        var hash = await DocumentIntake.SaveAsync(readings, store);

        Assert.NotNull(await DocumentIntake.LoadAsync(hash, report.Experiment!, store));
        var fewer = report.Experiment! with { Corpus = report.Experiment.Corpus with { Documents = [report.Experiment.Corpus.Documents[0]] } };
        Assert.Null(await DocumentIntake.LoadAsync(hash, fewer, store));
        Assert.Null(await DocumentIntake.LoadAsync(new string('0', 64), report.Experiment!, store));
    }

    [Fact]
    public async Task LoadedReadings_ShareTheCorpusDocumentsStrings_AndAPlainTextsOneHash()
    {
        // A run holds a reading per document until its setup is done: read from JSON, each would hold copies of the
        // document's id and path and, for a plain UTF-8 file, a second string of its one hash.
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var report = ExperimentValidator.Validate(temp.Path, new ExperimentLimits(), readDocuments: false);
        var store = new FolderArtifactStore(temp.Outside("artifacts"));
        var (_, read) = await DocumentIntake.ReadAsync(report.Experiment!, store, null);
        Assert.All(read, reading => Assert.Same(reading.Sha256, reading.TextSha256));

        var loaded = await DocumentIntake.LoadAsync(await DocumentIntake.SaveAsync(read, store), report.Experiment!, store);

        Assert.Equal(read, loaded);
        var documents = report.Experiment!.Corpus.Documents;
        Assert.All(loaded!.Zip(documents), pair =>
        {
            Assert.Same(pair.Second.DocumentId, pair.First.DocumentId);
            Assert.Same(pair.Second.RelativePath, pair.First.File);
            Assert.Same(pair.First.Sha256, pair.First.TextSha256);
        });
    }

    [Fact]
    public void CorpusDocumentsWithoutMetadata_ShareOneEmptyDictionary_AlsoWhenReadFromJson()
    {
        var json = """[{"document_id":"a","relative_path":"a.txt","full_path":"/x/a.txt","metadata":{}},{"document_id":"b","relative_path":"b.txt","full_path":"/x/b.txt","metadata":{"era":"e1"}},{"document_id":"c","relative_path":"c.txt","full_path":"/x/c.txt"}]""";

        var documents = System.Text.Json.JsonSerializer.Deserialize<List<CorpusDocument>>(json, DiscernusJson.Compact)!;

        Assert.Same(documents[0].Metadata, documents[2].Metadata);
        Assert.Empty(documents[0].Metadata);
        Assert.Equal("e1", documents[1].Metadata["era"]);
        Assert.Same(new CorpusDocument { DocumentId = "d", RelativePath = "d.txt", FullPath = "/x/d.txt" }.Metadata, documents[0].Metadata);
    }
}
