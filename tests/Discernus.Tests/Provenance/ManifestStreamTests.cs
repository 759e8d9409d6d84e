using Discernus.Content;
using Discernus.Provenance;

namespace Discernus.Tests.Provenance;

/// <summary>
/// manifest.json written and rewritten by streaming its per-document lists: the file must be the one the serializer
/// writes for the whole record, and a head-only update must keep every list entry.
/// </summary>
public sealed class ManifestStreamTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("discernus-manifest-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Enough documents that the file spans many read chunks, with values the writer must escape, non-ASCII text and,
    // in one document, a value larger than a chunk.
    private static RunManifest Manifest(int documents = 3000) => new()
    {
        RunId = "20260101T000000Z-abcdef",
        Status = RunStatus.Running,
        CreatedAt = "2026-01-01T00:00:00.000Z",
        Experiment = new ManifestExperiment("exp \"quoted\" ünïcode", "/tmp/exp", "v10", "experiment.md", new string('a', 64), "assets/a.md"),
        Software = new ManifestSoftware("discernus", "0.3.0", ".NET 10"),
        Framework = new ManifestFramework("fw", null, "framework.md", new string('b', 64), "assets/b.md", ["d1", "d2"], []),
        Corpus = new ManifestCorpus("c", "corpus.md", null, new string('c', 64), documents),
        Documents = Enumerable.Range(0, documents).Select(i => new ManifestDocument
        {
            DocumentId = $"doc-{i:D6}",
            File = $"corpus/{i:D6} \\ <tab>\t.txt",
            Sha256 = $"{i:D64}",
            Asset = $"assets/{i:D64}.txt",
            TextSha256 = $"{i:D64}",
            TextAsset = $"assets/{i:D64}.txt",
            Bytes = 1000 + i,
            Extracted = i % 2 == 0,
            Metadata = i == 7
                ? new Dictionary<string, string> { ["long"] = new string('x', 200_000) }
                : new Dictionary<string, string> { ["era"] = $"e{i % 5}", ["speaker"] = "Ł\u00e9on \"the\" <b>" },
        }).ToList(),
        Prompts = [new ManifestPrompt("analyse_document", new string('d', 64), "assets/d.yaml")],
        Stages = [new ManifestStage { Name = "batch_analysis", Status = RunStatus.Running, DurationMs = 12, TasksTotal = documents }],
        Cost = new ManifestCost { MaxCostUsd = 1.50m, ActualUsd = 0.000123m, PromptTokens = 10, Complete = false },
        Failures = [.. Enumerable.Range(0, 300).Select(i => new ManifestFailure($"t{i}", "corpus/x.txt", null, "failed: \"why\""))],
        Files = Enumerable.Range(0, documents).Select(i => new ManifestFile($"assets/{i:D64}.txt", $"{i:D64}", "document")).ToList(),
        // Long lists inside the head (a hash per analysis) are written entry by entry too.
        Outputs = new ManifestOutputs { AnalysisResults = [.. Enumerable.Range(0, documents).Select(i => $"{i:x64}")], Exports = ["results/exports/scores.csv"] },
    };

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static byte[] Serialized(RunManifest manifest) => DiscernusJson.Serialize(manifest);

    private static RunManifest Head(RunManifest manifest) => manifest with { Documents = [], Files = [] };

    [Fact]
    public void Write_WritesTheBytesTheSerializerWritesForTheWholeRecord()
    {
        var manifest = Manifest();

        ManifestStream.Write(PathOf("manifest.json"), manifest);

        Assert.Equal(Serialized(manifest), File.ReadAllBytes(PathOf("manifest.json")));
    }

    [Fact]
    public void ReadHead_ReturnsEverythingButTheLists()
    {
        var manifest = Manifest();
        ManifestStream.Write(PathOf("manifest.json"), manifest);

        var head = ManifestStream.ReadHead(PathOf("manifest.json"));

        Assert.Empty(head.Documents);
        Assert.Empty(head.Files);
        Assert.Equal(Serialized(Head(manifest)), Serialized(head));
    }

    [Fact]
    public void ReadList_ReturnsEveryEntryInOrder_AcrossChunksAndALongValue()
    {
        var manifest = Manifest();
        ManifestStream.Write(PathOf("manifest.json"), manifest);
        var folder = new RunFolder(_directory, manifest.RunId);
        var documents = new List<ManifestDocument>();
        var files = new List<ManifestFile>();

        folder.ReadDocuments(documents.Add);
        folder.ReadFiles(files.Add);

        Assert.Equal(Serialized(manifest), Serialized(manifest with { Documents = documents, Files = files }));
        Assert.Equal(200_000, documents[7].Metadata["long"].Length);
    }

    [Fact]
    public async Task UpdateManifest_ChangesTheHead_KeepsTheDocuments_AndAppendsNewFilesOnce()
    {
        var manifest = Manifest();
        var folder = new RunFolder(_directory, manifest.RunId);
        await folder.WriteManifestAsync(manifest);
        var added = new List<ManifestFile>
        {
            new("results/batch_analysis/r1.json", "r1", "analysis_result"),
            manifest.Files[5] with { Role = "listed twice" },
            new("results/batch_analysis/r1.json", "r1", "analysis_result"),
            new("results/reports/report.md", "r2", "report"),
        };

        var head = await folder.UpdateManifestAsync(m => m with { Status = RunStatus.Completed, FinishedAt = "2026-01-01T01:00:00.000Z" }, new ManifestFileChanges(added));

        var expected = manifest with
        {
            Status = RunStatus.Completed,
            FinishedAt = "2026-01-01T01:00:00.000Z",
            Files = manifest.Files.Concat(added).DistinctBy(f => f.Path).ToList(),
        };
        Assert.Equal(Serialized(expected), File.ReadAllBytes(folder.ManifestPath));
        Assert.Equal(Serialized(Head(expected)), Serialized(head));
        Assert.Equal(manifest.Files.Count + 2, RunFolder.ReadManifest(folder.ManifestPath).Files.Count);
    }

    [Fact]
    public async Task AnalysisResultsPassedAsHashes_AreListedAsTheirResultFiles_OnceEach_BeforeTheOtherAddedFiles()
    {
        var listedBefore = Hashing.Sha256Hex("result listed by an earlier update");
        var (first, second) = (Hashing.Sha256Hex("result 1"), Hashing.Sha256Hex("result 2"));
        ManifestFile Result(string hash) => new(RunFolder.AnalysisResultFile(hash), hash, ManifestFileChanges.AnalysisResultRole);
        var manifest = Manifest(10) with { Files = [new("assets/x.txt", "x", "document"), Result(listedBefore)] };
        var folder = new RunFolder(_directory, manifest.RunId);
        await folder.WriteManifestAsync(manifest);
        ManifestFile[] report = [new("results/reports/report.md", "r", "report")];
        Sha256Key[] results = [.. new[] { second, listedBefore, first, second }.Select(Sha256Key.FromHex)];

        await folder.UpdateManifestAsync(m => m, new ManifestFileChanges(report, AnalysisResults: results));

        // Exactly what listing them as entries (the way before) wrote.
        var expected = manifest with { Files = manifest.Files.Concat([Result(second), Result(listedBefore), Result(first), Result(second), .. report]).DistinctBy(f => f.Path).ToList() };
        Assert.Equal(Serialized(expected), File.ReadAllBytes(folder.ManifestPath));
        Assert.Equal(
            [new("assets/x.txt", "x", "document"), Result(listedBefore), Result(second), Result(first), report[0]],
            RunFolder.ReadManifest(folder.ManifestPath).Files);
    }

    [Fact]
    public async Task UpdateManifest_RemovesTheFilesOfARole_BeforeAddingTheNewOnes()
    {
        var manifest = Manifest(10) with { Files = [new("logs/a.jsonl", "old", "log"), new("assets/x.txt", "x", "document"), new("logs/b.jsonl", "old", "log")] };
        var folder = new RunFolder(_directory, manifest.RunId);
        await folder.WriteManifestAsync(manifest);
        ManifestFile[] logs = [new("logs/a.jsonl", "new", "log")];

        await folder.UpdateManifestAsync(m => m, new ManifestFileChanges(logs, RemoveRole: "log"));

        Assert.Equal(
            [new("assets/x.txt", "x", "document"), new("logs/a.jsonl", "new", "log")],
            RunFolder.ReadManifest(folder.ManifestPath).Files);
    }

    [Fact]
    public async Task UpdateManifest_RefusesAnUpdateThatSetsTheListsItself_AndLeavesTheFileAsItWas()
    {
        var manifest = Manifest(10);
        var folder = new RunFolder(_directory, manifest.RunId);
        await folder.WriteManifestAsync(manifest);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            folder.UpdateManifestAsync(m => m with { Files = [new ManifestFile("x", "y", "z")] }));

        Assert.Equal(Serialized(manifest), File.ReadAllBytes(folder.ManifestPath));
        Assert.Empty(Directory.EnumerateFiles(_directory, ".tmp-*"));
    }

    [Fact]
    public async Task ReadManifestHead_SeesAChangeAnotherWriterMade_AfterThisFolderUpdatedTheManifest()
    {
        var manifest = Manifest(10);
        var folder = new RunFolder(_directory, manifest.RunId);
        await folder.WriteManifestAsync(manifest);
        await folder.UpdateManifestAsync(m => m with { Status = RunStatus.Running });

        // Another process (or another RunFolder on the same path) records a failure.
        await new RunFolder(_directory, manifest.RunId).UpdateManifestAsync(m => m with { Status = RunStatus.Failed, Error = "stopped elsewhere" });
        var head = folder.ReadManifestHead();
        var updated = await folder.UpdateManifestAsync(m => m with { FinishedAt = "2026-01-01T02:00:00.000Z" });

        Assert.Equal(RunStatus.Failed, head.Status);
        Assert.Equal("stopped elsewhere", updated.Error);
        Assert.Equal(Serialized(manifest with { Status = RunStatus.Failed, Error = "stopped elsewhere", FinishedAt = "2026-01-01T02:00:00.000Z" }),
            File.ReadAllBytes(folder.ManifestPath));
    }
}
