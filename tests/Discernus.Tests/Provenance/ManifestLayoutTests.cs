using Discernus.Provenance;

namespace Discernus.Tests.Provenance;

/// <summary>
/// Issue 17: an update of the manifest that changes neither list (a stage's status, the cost) copies the documents and
/// files lists from the file it replaces as they are, where it read them token by token (about 0.1 s an update at
/// 3,200 documents, ten updates between a run's last analysis and its end). The file must stay what the serializer
/// writes for the whole record, and a file another writer replaced must never be copied from by the old layout.
/// </summary>
public sealed class ManifestLayoutTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("discernus-layout-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static RunManifest Manifest(int documents) => new()
    {
        RunId = "20260101T000000Z-abcdef",
        Status = RunStatus.Running,
        CreatedAt = "2026-01-01T00:00:00.000Z",
        Experiment = new ManifestExperiment("exp \"quoted\" ünïcode", "/tmp/exp", "v10", "experiment.md", new string('a', 64), "assets/a.md"),
        Software = new ManifestSoftware("discernus", "0.3.0", ".NET 10"),
        Corpus = new ManifestCorpus("c", "corpus.md", null, new string('c', 64), documents),
        Documents = [.. Enumerable.Range(0, documents).Select(i => new ManifestDocument
        {
            DocumentId = $"doc-{i:D6}",
            File = $"corpus/{i:D6} \\ <tab>\t.txt",
            Sha256 = $"{i:D64}",
            Asset = $"assets/{i:D64}.txt",
            TextSha256 = $"{i:D64}",
            TextAsset = $"assets/{i:D64}.txt",
            Bytes = 1000 + i,
            Extracted = i % 2 == 0,
            Metadata = i == 7 ? new Dictionary<string, string> { ["long"] = new string('x', 150_000) } : new Dictionary<string, string> { ["speaker"] = "Ł\u00e9on \"the\" <b>" },
        })],
        Stages = [new ManifestStage { Name = "batch_analysis", Status = RunStatus.Running, TasksTotal = documents }],
        Files = [.. Enumerable.Range(0, documents).Select(i => new ManifestFile($"assets/{i:D64}.txt", $"{i:D64}", "document"))],
    };

    [Fact]
    public async Task HeadOnlyUpdates_CopyTheLists_AndTheFileStaysTheSerializers()
    {
        var manifest = Manifest(2000);
        var folder = new RunFolder(_directory, manifest.RunId);
        await folder.WriteManifestAsync(manifest);
        var expected = manifest;

        // The first update reads the lists (the file was written whole); the head-only ones after it copy them.
        for (var i = 0; i < 6; i++)
        {
            var cost = 0.01m * i;
            await folder.UpdateManifestAsync(m => m with { Cost = m.Cost with { ActualUsd = cost }, Error = i % 2 == 0 ? "an \"error\" ü" : null });
            expected = expected with { Cost = expected.Cost with { ActualUsd = cost }, Error = i % 2 == 0 ? "an \"error\" ü" : null };
            Assert.Equal(DiscernusJson.Serialize(expected), await File.ReadAllBytesAsync(folder.ManifestPath));
        }

        Assert.Equal(1, folder.ListsReadEntryByEntry);

        // A change to the files list reads the files again (the documents are still copied); the head-only update after
        // it copies the new list.
        var result = Discernus.Content.Hashing.Sha256Hex("a result");
        ManifestFile[] added = [new(RunFolder.AnalysisResultFile(result), result, ManifestFileChanges.AnalysisResultRole), new("results/reports/report.md", "r", "report")];
        await folder.UpdateManifestAsync(m => m, new ManifestFileChanges([added[1]], AnalysisResults: [Discernus.Content.Sha256Key.FromHex(result)]));
        expected = expected with { Files = [.. expected.Files, .. added] };
        Assert.Equal(DiscernusJson.Serialize(expected), await File.ReadAllBytesAsync(folder.ManifestPath));

        await folder.UpdateManifestAsync(m => m with { Status = RunStatus.Completed });
        expected = expected with { Status = RunStatus.Completed };

        Assert.Equal(DiscernusJson.Serialize(expected), await File.ReadAllBytesAsync(folder.ManifestPath));
        Assert.Equal(2, folder.ListsReadEntryByEntry);
    }

    [Fact]
    public async Task AFileAnotherWriterReplaced_IsReadAgain_NotCopiedByTheOldLayout()
    {
        var manifest = Manifest(300);
        var folder = new RunFolder(_directory, manifest.RunId);
        await folder.WriteManifestAsync(manifest);
        await folder.UpdateManifestAsync(m => m with { Status = RunStatus.Running });

        // Another RunFolder on the same path (another process) lengthens the lists' files: the old ranges are wrong now.
        ManifestFile[] added = [new("logs/a.jsonl", "a", "log"), new("logs/b.jsonl", "b", "log")];
        await new RunFolder(_directory, manifest.RunId).UpdateManifestAsync(m => m with { Error = "elsewhere" }, new ManifestFileChanges(added));
        await folder.UpdateManifestAsync(m => m with { Status = RunStatus.Failed });

        Assert.Equal(
            DiscernusJson.Serialize(manifest with { Status = RunStatus.Failed, Error = "elsewhere", Files = [.. manifest.Files, .. added] }),
            await File.ReadAllBytesAsync(folder.ManifestPath));
        Assert.Equal(2, folder.ListsReadEntryByEntry);
    }
}
