using Discernus.Content;
using Discernus.Provenance;

namespace Discernus.Tests.Provenance;

/// <summary>
/// manifest.json written and rewritten by streaming its per-document lists: the file must be the one the serializer
/// writes for the whole record, and a head-only update must keep every list entry. A list an update does not change is
/// copied from the file it replaces as it is, never from a file another writer put in its place.
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

    // Issue 17: an update copies the lists it does not change from the file it replaces, by the byte ranges its last
    // write recorded, where it read them token by token (about 0.1 s an update at 3,200 documents).
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

    [Fact]
    public void AStaleLayout_IsNeverCopiedFrom_TheFileItselfIsChecked()
    {
        // The layout of a file that was replaced since (another writer, between a look at the file and its opening):
        // its byte ranges describe lists that are not there any more.
        var path = PathOf("manifest.json");
        var first = Manifest(200);
        ManifestStream.Write(PathOf("lists.json"), first);
        var stale = ManifestStream.Write(path, Head(first), listsFrom: PathOf("lists.json"))!.Value;
        var info = new FileInfo(path);
        stale = stale with { Length = info.Length, Written = info.LastWriteTimeUtc };
        var second = Manifest(150) with { Status = RunStatus.Failed };
        ManifestStream.Write(path, second);

        ManifestStream.Write(path, Head(second) with { Error = "copied?" }, listsFrom: path, listsAt: stale);

        Assert.Equal(Serialized(second with { Error = "copied?" }), File.ReadAllBytes(path));
    }
}
