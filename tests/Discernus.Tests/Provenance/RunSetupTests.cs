using System.Globalization;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Content;
using Discernus.Experiments;
using Discernus.Provenance;
using Discernus.Tests.Experiments;
using Microsoft.Extensions.Time.Testing;

namespace Discernus.Tests.Provenance;

/// <summary>RUN SETUP through `discernus run --dry-run`: manifest, assets, logs, content-addressed store.</summary>
public sealed class RunSetupTests
{
    private static string Sha256Of(string file) => Hashing.Sha256Hex(File.ReadAllBytes(file));

    [Fact]
    public void CorpusHash_IsTheSha256OfTheSortedIdAndHashLines_AsDocumented()
    {
        // Out of order, with a non-ASCII id: the hash is over "id<TAB>sha256<LF>" lines sorted by id (ordinal), in UTF-8.
        var documents = new[] { "b-2", "a-1", "é-3", "B-0" }.Select(id => new ManifestDocument
        {
            DocumentId = id,
            File = id + ".txt",
            Sha256 = Hashing.Sha256Hex(id),
            Asset = "assets/x.txt",
            TextSha256 = Hashing.Sha256Hex(id),
            TextAsset = "assets/x.txt",
            Bytes = 1,
            Extracted = false,
        }).ToList();
        var expected = Hashing.Sha256Hex(string.Concat(new[] { "B-0", "a-1", "b-2", "é-3" }.Select(id => $"{id}\t{Hashing.Sha256Hex(id)}\n")));

        Assert.Equal(expected, RunSetup.CorpusHash(documents));
    }

    [Theory]
    [InlineData("nano", "experiment.md", "corpus.md")]
    [InlineData("academic_discourse", "experiment.yaml", "corpus/corpus.md")]
    public async Task DryRun_WritesManifest_WithTheHashOfEveryInput(string project, string experimentFile, string corpusManifest)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project(project));

        var run = await DryRun.StartAsync(temp);

        Assert.True(run.ExitCode == 0, run.Cli.AllText);
        Assert.Equal(Path.Combine(temp.Path, "runs"), Path.GetDirectoryName(run.Folder));
        var manifest = RunFolder.ReadManifest(Path.Combine(run.Folder, "manifest.json"));
        Assert.Equal(Path.GetFileName(run.Folder), manifest.RunId);
        Assert.Matches(@"^\d{8}T\d{6}Z-[0-9a-f]{6}$", manifest.RunId);
        Assert.Equal(RunStatus.SetUp, manifest.Status);
        Assert.Equal(project, manifest.Experiment.Name);
        Assert.Equal(experimentFile, manifest.Experiment.File);
        Assert.Equal(Sha256Of(temp.File(experimentFile)), manifest.Experiment.ConfigSha256);
        Assert.Equal(Sha256Of(temp.File("framework.md")), manifest.Framework!.Sha256);
        Assert.Equal(Sha256Of(temp.File(corpusManifest)), manifest.Corpus!.ManifestSha256);
        Assert.Equal(RunSetup.CorpusHash(manifest.Documents), manifest.Corpus.Sha256);
        Assert.Equal(manifest.Documents.Count, manifest.Corpus.DocumentCount);

        var corpusFolder = temp.File("corpus");
        var documentFiles = Directory.GetFiles(corpusFolder, "*.txt");
        Assert.Equal(documentFiles.Length, manifest.Documents.Count);
        foreach (var document in manifest.Documents)
        {
            Assert.Equal(Sha256Of(Path.Combine(corpusFolder, document.File)), document.Sha256);
            Assert.Equal($"assets/{document.Sha256}.txt", document.Asset);
            Assert.Equal(document.Sha256, Sha256Of(Path.Combine(run.Folder, document.Asset)));
        }

        Assert.Equal([PromptLibrary.AnalyseDocument, PromptLibrary.SynthesizeResults, PromptLibrary.GenerateReport], manifest.Prompts.Select(p => p.Name));
        foreach (var prompt in manifest.Prompts)
        {
            Assert.Equal(Hashing.Sha256Hex(PromptLibrary.Load(prompt.Name).Content), prompt.Sha256);
            Assert.True(File.Exists(Path.Combine(run.Folder, prompt.Asset)), prompt.Asset);
        }

        var stages = manifest.Stages.ToDictionary(s => s.Name, s => s.Status);
        Assert.Equal(RunStatus.Completed, stages[StageNames.Validation]);
        Assert.Equal(RunStatus.Completed, stages[StageNames.RunSetup]);
        Assert.Equal(RunStatus.Pending, stages[StageNames.BatchAnalysis]);
        Assert.Equal(RunStatus.Pending, stages[StageNames.Synthesis]);
        Assert.Equal(RunStatus.Pending, stages[StageNames.Report]);
        Assert.Equal(["lexicon"], manifest.Models!.Names);
    }

    [Fact]
    public async Task DryRun_Manifest_UsesSnakeCaseKeys()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var run = await DryRun.StartAsync(temp);

        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run.Folder, "manifest.json")));
        var root = json.RootElement;

        Assert.Equal(Path.GetFileName(run.Folder), root.GetProperty("run_id").GetString());
        Assert.Equal("nano", root.GetProperty("experiment").GetProperty("name").GetString());
        Assert.Equal(64, root.GetProperty("experiment").GetProperty("config_sha256").GetString()!.Length);
        Assert.Equal(64, root.GetProperty("framework").GetProperty("sha256").GetString()!.Length);
        Assert.Equal(2, root.GetProperty("documents").GetArrayLength());
        var stage = root.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "batch_analysis");
        Assert.Equal("pending", stage.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("nano")]
    [InlineData("academic_discourse")]
    public async Task DryRun_WritesJsonlLogs_WhoseEveryLineHasTheRequiredFields(string project)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project(project));
        var run = await DryRun.StartAsync(temp);
        var runId = Path.GetFileName(run.Folder);

        foreach (var stage in new[] { StageNames.Validation, StageNames.RunSetup })
        {
            var file = Path.Combine(run.Folder, "logs", $"{stage}.jsonl");
            var lines = File.ReadAllLines(file).Where(l => l.Length > 0).ToList();
            Assert.NotEmpty(lines);
            foreach (var line in lines)
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                foreach (var field in new[] { "timestamp", "run_id", "agent_name", "stage", "log_level", "message" })
                {
                    Assert.True(root.TryGetProperty(field, out var value) && !string.IsNullOrWhiteSpace(value.GetString()), $"{file}: '{field}' missing in {line}");
                }

                Assert.Equal(runId, root.GetProperty("run_id").GetString());
                Assert.Equal(stage, root.GetProperty("stage").GetString());
                var timestamp = root.GetProperty("timestamp").GetString()!;
                Assert.EndsWith("Z", timestamp);
                Assert.True(DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _), timestamp);
                Assert.Contains(root.GetProperty("log_level").GetString(), new[] { "debug", "info", "warning", "error" });
            }
        }
    }

    [Fact]
    public async Task DryRun_LogsValidationWarnings()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Warning("unknown_key"));
        var run = await DryRun.StartAsync(temp);

        var lines = File.ReadAllLines(Path.Combine(run.Folder, "logs", "validation.jsonl"));

        Assert.Contains(lines, l => l.Contains("\"log_level\":\"warning\"", StringComparison.Ordinal) && l.Contains(FindingCodes.UnknownKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoDryRuns_StoreEachInputOnce_InTwoRunFolders()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));

        var first = await DryRun.StartAsync(temp);
        var second = await DryRun.StartAsync(temp);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.NotEqual(first.Folder, second.Folder);
        Assert.Equal(2, Directory.GetDirectories(temp.File("runs")).Length);

        // Loose or packed, each copy of an object once (as its loose path).
        using var store = new Discernus.Artifacts.FolderArtifactStore(DryRun.StoreOf(temp), pack: true);
        var objects = store.Contents().Objects;
        var firstManifest = RunFolder.ReadManifest(Path.Combine(first.Folder, "manifest.json"));
        var secondManifest = RunFolder.ReadManifest(Path.Combine(second.Folder, "manifest.json"));
        var hashes = firstManifest.Files.Select(f => f.Sha256).ToHashSet();
        Assert.Equal(hashes.OrderBy(h => h, StringComparer.Ordinal), secondManifest.Files.Select(f => f.Sha256).Distinct().OrderBy(h => h, StringComparer.Ordinal));
        Assert.Equal(hashes.Select(h => $"{h[..2]}/{h[2..]}").Order(StringComparer.Ordinal), objects.Order(StringComparer.Ordinal));
        foreach (var document in firstManifest.Documents)
        {
            Assert.Single(objects, o => o == $"{document.Sha256[..2]}/{document.Sha256[2..]}");
        }
    }

    [Fact]
    public async Task ConcurrentRunSetups_GetDistinctRunIds_EvenInTheSameSecond()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var sameInstant = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 10, 15, 0, TimeSpan.Zero));

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DryRun.StartAsync(temp, sameInstant)));

        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Cli.AllText));
        var ids = runs.Select(r => Path.GetFileName(r.Folder)).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.StartsWith("20261124T101500Z-", id));
        foreach (var run in runs)
        {
            Assert.True((await RunVerifier.VerifyAsync(run.Folder)).Succeeded, run.Folder);
        }
    }

    [Theory]
    [InlineData("missing_framework_file", 3)]
    [InlineData("manifest_entry_file_missing", 3)]
    [InlineData("duplicate_document_id", 5)]
    [InlineData("yaml_alias_bomb", 5)]
    public async Task ValidationFailure_CreatesNoRunFolder(string fixture, int expectedExit)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Broken(fixture));

        var run = await DryRun.StartAsync(temp);

        Assert.Equal(expectedExit, run.ExitCode);
        Assert.False(Directory.Exists(temp.File("runs")), "a rejected experiment must not get a runs/ folder");
        Assert.False(Directory.Exists(DryRun.StoreOf(temp)) && Directory.EnumerateFileSystemEntries(DryRun.StoreOf(temp)).Any(), "nothing may be stored");
        Assert.Contains("BLOCKING", run.Cli.ConsoleText);
    }

    [Fact]
    public async Task RunSetup_RefusesAnInvalidExperiment()
    {
        var report = new ExperimentReader().Read(TestPaths.Broken("duplicate_document_id"));
        var store = new Discernus.Artifacts.FolderArtifactStore(Path.Combine(Path.GetTempPath(), "discernus-tests", Guid.NewGuid().ToString("N")));
        try
        {
            var setup = new RunSetup(store, TimeProvider.System);

            await Assert.ThrowsAsync<InvalidOperationException>(() => setup.SetUpAsync(new RunSetupRequest
            {
                Validation = report,
                Prompts = PromptLibrary.All(),
                Models = new ManifestModels { Names = ["lexicon"], Source = "default" },
                SoftwareVersion = "test",
            }));
            Assert.False(Directory.Exists(Path.Combine(TestPaths.Broken("duplicate_document_id"), "runs")));
        }
        finally
        {
            Directory.Delete(store.Root, recursive: true);
        }
    }
}
