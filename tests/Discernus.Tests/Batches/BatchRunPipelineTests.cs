using System.Diagnostics;
using System.Text.Json.Nodes;
using Discernus.FakeLlm;
using Discernus.Tests.Cli;
using Discernus.Tests.Faults;
using Discernus.Tests.Orchestration;

namespace Discernus.Tests.Batches;

/// <summary>
/// `discernus run --batch` against the simulated provider's Files and Batch API (`discernus dev fake-llm`, a real HTTP
/// server on loopback): the analyses are answered from batches with no interactive request but the synthesis, score
/// as an interactive run does, and are billed at the batch price; failed, malformed and expired lines are asked
/// interactively and named; a run killed while its batches are in flight is resumed without a second submission.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class BatchRunPipelineTests
{
    private const string Model = "openai/gpt-4o-mini";
    private const int Documents = 300;

    // gpt-4o-mini per million tokens: interactive 0.15 in, 0.075 cached, 0.60 out; batch 0.075 in (cached too), 0.30 out.
    private const decimal Input = 0.15m, CachedInput = 0.075m, Output = 0.60m, BatchInput = 0.075m, BatchOutput = 0.30m;

    [Fact]
    public async Task ABatchRun_AnswersEveryDocumentFromBatches_WithTheInteractiveScores_AndBillsEachModeAtItsPrice()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero, BatchCompletionDelay = TimeSpan.FromMilliseconds(300) });
        using var batchSandbox = Sandbox(server, Documents);
        var clock = Stopwatch.StartNew();

        var batch = await batchSandbox.RunAsync("--model", Model, "--batch");

        clock.Stop();
        Assert.True(batch.ExitCode == 0, $"exit {batch.ExitCode}\n{batch.Output}");
        var stats = server.Stats;
        Assert.Equal(1, stats.Requests); // the synthesis: not one analysis was sent interactively
        Assert.Equal(Documents / 100, stats.BatchSubmissions); // at most 100 requests per file
        Assert.Equal(Documents, stats.BatchLines);
        var manifest = RunFolderChecks.Manifest(batch.Folder);
        Assert.Equal("batch", (string?)manifest["models"]!["mode"]);
        Assert.Equal(Documents / 100, manifest["batches"]!.AsArray().Count);
        Assert.All(manifest["batches"]!.AsArray(), b => Assert.Equal("collected", (string?)b!["status"]));
        Assert.Empty(manifest["batch_retries"]!.AsArray());
        var results = RunFolderChecks.AnalysisResults(batch.Folder);
        Assert.Equal(Documents, results.Count);
        Assert.Equal(Documents, results.Select(r => (string?)r["processing_metadata"]!["task_id"]).Distinct().Count());
        RunFolderChecks.AssertResultsFollowSpec(batch.Folder, batch.ExperimentPath, Model);

        // The same corpus asked interactively (its own store, so no answer is shared) scores the same.
        var interactiveRequestsBefore = server.Stats.Requests;
        using var interactiveSandbox = Sandbox(server, Documents);
        var interactive = await interactiveSandbox.RunAsync("--model", Model);
        Assert.True(interactive.ExitCode == 0, interactive.Output);
        Assert.Equal(Documents + 1, server.Stats.Requests - interactiveRequestsBefore);
        Assert.Equal(Scores(interactive.Folder), Scores(batch.Folder));

        // Each mode at its price, to the cent and below: the batch lines at the batch rates, the synthesis interactive.
        var lines = File.ReadAllLines(Path.Combine(batch.Folder, "logs", "llm_interactions.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        var batchLines = lines.Where(l => (string?)l["mode"] == "batch").ToList();
        var interactiveLines = lines.Where(l => (string?)l["mode"] == "interactive").ToList();
        Assert.Equal(Documents, batchLines.Count);
        Assert.Single(interactiveLines);
        // Each call is priced on its own, to 8 decimals (a millionth of a cent), as the interaction log records it.
        var expectedBatch = batchLines.Sum(l => Math.Round(((Tokens(l, "prompt_tokens") * BatchInput) + (Tokens(l, "completion_tokens") * BatchOutput)) / 1_000_000m, 8));
        var expectedInteractive = interactiveLines.Sum(l => Math.Round((((Tokens(l, "prompt_tokens") - Tokens(l, "cached_input_tokens")) * Input)
            + (Tokens(l, "cached_input_tokens") * CachedInput) + (Tokens(l, "completion_tokens") * Output)) / 1_000_000m, 8));
        Assert.True(batchLines.Sum(l => Tokens(l, "cached_input_tokens")) > 0, "the batch lines report no cached tokens: the simulated prompt cache was not exercised");
        var costs = new CliHarness(batchSandbox.Environment);
        Assert.Equal(0, await costs.RunAsync("costs", batch.Folder, "--format", "json"));
        var byMode = JsonNode.Parse(costs.Out.ToString())!["by_mode"]!.AsArray().ToDictionary(r => (string)r!["name"]!, r => r!);
        Assert.Equal(expectedBatch, byMode["batch"]["usd"]!.GetValue<decimal>());
        Assert.Equal(Documents, byMode["batch"]["requests"]!.GetValue<long>());
        Assert.Equal(expectedInteractive, byMode["interactive"]["usd"]!.GetValue<decimal>());
        Assert.Equal(expectedBatch + expectedInteractive, manifest["cost"]!["actual_usd"]!.GetValue<decimal>());
        Console.WriteLine($"batch run of {Documents} documents: {clock.Elapsed.TotalSeconds:F1} s, {stats.BatchSubmissions} batches, batch ${expectedBatch:F6} + interactive ${expectedInteractive:F6}");
    }

    [Fact]
    public async Task FailedAndMalformedLines_AreAskedInteractively_AndNamed()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions
        {
            Latency = TimeSpan.Zero,
            BatchCompletionDelay = TimeSpan.FromMilliseconds(200),
            BatchLineErrorRate = 0.1,
            BatchMalformedLineRate = 0.1,
            Seed = 3,
        });
        using var sandbox = Sandbox(server, 60);

        var run = await sandbox.RunAsync("--model", Model, "--batch");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}");
        var manifest = RunFolderChecks.Manifest(run.Folder);
        var retries = manifest["batch_retries"]!.AsArray();
        Assert.InRange(retries.Count, 3, 30);
        Assert.Contains(retries, r => ((string?)r!["reason"])!.Contains("failed in the batch", StringComparison.Ordinal));
        Assert.True(retries.Any(r => ((string?)r!["reason"])!.Contains("no readable answer", StringComparison.Ordinal)),
            string.Join("\n", retries.Select(r => (string?)r!["reason"])));
        Assert.All(retries, r => Assert.StartsWith("doc_", (string?)r!["document_name"]));
        // Exactly the failed lines were asked one by one, plus the synthesis; every document has one result.
        Assert.Equal(retries.Count + 1, server.Stats.Requests);
        Assert.Equal(60, RunFolderChecks.AnalysisResults(run.Folder).Count);
        var named = (string?)retries[0]!["document_name"];
        Assert.Contains(named!, RunFolderChecks.ReportMarkdown(run.Folder));
        var status = new CliHarness(sandbox.Environment);
        Assert.Equal(0, await status.RunAsync("status", run.Folder));
        Assert.Contains("collected", status.ConsoleText);
        Assert.Contains($"{retries.Count} analyses asked interactively", status.ConsoleText);
    }

    [Fact]
    public async Task AnExpiredBatch_HasItsUnansweredRestAskedInteractively()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero, BatchCompletionDelay = TimeSpan.FromMilliseconds(200), BatchExpires = true });
        using var sandbox = Sandbox(server, 40);

        var run = await sandbox.RunAsync("--model", Model, "--batch");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}");
        var retries = RunFolderChecks.Manifest(run.Folder)["batch_retries"]!.AsArray();
        Assert.Equal(20, retries.Count);
        Assert.All(retries, r => Assert.Contains("batch_expired", (string?)r!["reason"]));
        Assert.Equal(20 + 1, server.Stats.Requests);
        Assert.Equal(40, RunFolderChecks.AnalysisResults(run.Folder).Count);
    }

    [Fact]
    public async Task ARunKilledWhileItsBatchesAreInFlight_IsResumed_WithoutASecondSubmission()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero, BatchCompletionDelay = TimeSpan.FromSeconds(6) });
        using var sandbox = Sandbox(server, 200);
        var environment = new Dictionary<string, string?>(sandbox.Environment) { ["DISCERNUS_BATCH_POLL_SECONDS"] = "0.5", ["DISCERNUS_BATCH_MAX_POLL_SECONDS"] = "1" };
        await using (var first = CliProcess.Start("batch-run", environment, sandbox.Experiment.Sandbox, "run", sandbox.ExperimentPath, "--model", Model, "--batch"))
        {
            // Killed (SIGKILL) once both batches are submitted and none can have finished.
            await WaitForAsync(() => server.Stats.BatchSubmissions >= 2, TimeSpan.FromSeconds(60), () => first.Output);
            first.Kill();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        var folder = sandbox.FindRunFolder()!;
        var resultsFolder = Path.Combine(folder, "results", "batch_analysis");
        Assert.False(Directory.Exists(resultsFolder) && Directory.EnumerateFiles(resultsFolder).Any(), "an analysis finished before the batches did");
        var submissions = server.Stats.BatchSubmissions;
        Assert.Equal(2, submissions);

        var resumed = new CliHarness(environment);
        var exit = await DiscernusCliWithin(resumed, TimeSpan.FromMinutes(2), "run", "--resume", folder);

        Assert.True(exit == 0, resumed.AllText);
        Assert.Equal(submissions, server.Stats.BatchSubmissions);
        Assert.Equal(200, server.Stats.BatchLines);
        Assert.Equal(1, server.Stats.Requests);
        var results = RunFolderChecks.AnalysisResults(folder);
        Assert.Equal(200, results.Count);
        Assert.Equal(200, results.Select(r => (string?)r["document_name"]).Distinct().Count());
    }

    [Fact]
    public async Task BatchModeWithAnOfflineModel_SaysItChangesNothing_AndTheRunCompletes()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero });
        using var sandbox = Sandbox(server, 4);
        var cli = new CliHarness(sandbox.Environment);

        var exit = await cli.RunAsync("run", sandbox.ExperimentPath, "--model", "lexicon", "--batch");

        Assert.True(exit == 0, cli.AllText);
        Assert.Contains("lexicon is an offline model: batch mode changes nothing for it", cli.AllText, StringComparison.Ordinal);
        Assert.Equal(0, server.Stats.BatchSubmissions);
    }

    [Fact]
    public async Task CancellingABatchRun_CancelsItsProviderBatches_AndEndsTheRunCancelled()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero, BatchCompletionDelay = TimeSpan.FromMinutes(10) });
        using var sandbox = Sandbox(server, 20);
        var cli = new CliHarness(sandbox.Environment);
        using var cancel = new CancellationTokenSource();

        var invocation = Discernus.Cli.DiscernusCli.InvokeAsync(["run", sandbox.ExperimentPath, "--model", Model, "--batch"], cli.Context, cancel.Token);
        await WaitForAsync(() => server.Stats.BatchSubmissions >= 1, TimeSpan.FromSeconds(60), () => cli.AllText);
        await cancel.CancelAsync();
        var exit = await invocation.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(exit == 130, $"exit {exit}, expected 130\n{cli.AllText}");
        var folder = sandbox.FindRunFolder()!;
        var manifest = RunFolderChecks.Manifest(folder);
        Assert.Equal("cancelled", (string?)manifest["status"]);
        // Well before the batch's ten minutes: the provider was told to stop, and the record says so.
        Assert.Equal("cancelled", (string?)Assert.Single(manifest["batches"]!.AsArray())!["status"]);
        Assert.Equal(0, server.Stats.Requests);
    }

    [Fact]
    public async Task AnthropicMessageBatches_AnswerEveryDocument_WithCacheBreakpoints_AtTheBatchPrice()
    {
        const int count = 40;
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero, BatchCompletionDelay = TimeSpan.FromMilliseconds(200) });
        var root = server.BaseUrl.GetLeftPart(UriPartial.Authority);
        using var sandbox = PipelineSandbox.Of("nano", new Dictionary<string, string?>
        {
            ["ANTHROPIC_API_KEY"] = "sk-ant-test-batch-0123456789",
            ["ANTHROPIC_BASE_URL"] = root,
            ["DISCERNUS_BATCH_POLL_SECONDS"] = "0.1",
            ["DISCERNUS_BATCH_MAX_POLL_SECONDS"] = "0.2",
        });
        SyntheticCorpus.Write(sandbox.ExperimentPath, count);

        // Up to the analyses: the simulated provider serves Anthropic's batches, not its interactive messages.
        var run = await sandbox.RunAsync("--model", "anthropic/claude-3-5-haiku", "--batch", "--to", "batch_analysis");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}");
        Assert.Equal(0, server.Stats.Requests);
        Assert.Equal(1, server.Stats.BatchSubmissions);
        Assert.Equal(0, server.Stats.BatchFileUploads);
        var results = RunFolderChecks.AnalysisResults(run.Folder);
        Assert.Equal(count, results.Count);
        RunFolderChecks.AssertResultsFollowSpec(run.Folder, run.ExperimentPath, "anthropic/claude-3-5-haiku");
        var requests = File.ReadAllLines(Path.Combine(run.Folder, "batches", "anthropic_claude-3-5-haiku", "requests-0001.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.All(requests, r =>
        {
            Assert.Matches("^[a-zA-Z0-9_-]{1,64}$", (string?)r["custom_id"]);
            Assert.Equal("ephemeral", (string?)r["params"]!["system"]![0]!["cache_control"]!["type"]);
        });

        // claude-3-5-haiku in a batch, per million: 0.40 in, 0.04 cache read, 0.50 cache write (1.00 x half), 2.00 out.
        var lines = File.ReadAllLines(Path.Combine(run.Folder, "logs", "llm_interactions.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(count, lines.Count);
        Assert.All(lines, l => Assert.Equal("batch", (string?)l["mode"]));
        Assert.Equal(1, lines.Count(l => Tokens(l, "cache_write_tokens") > 0));
        Assert.Equal(count - 1, lines.Count(l => Tokens(l, "cached_input_tokens") > 0));
        var expected = lines.Sum(l => Math.Round((((Tokens(l, "prompt_tokens") - Tokens(l, "cached_input_tokens") - Tokens(l, "cache_write_tokens")) * 0.40m)
            + (Tokens(l, "cached_input_tokens") * 0.04m) + (Tokens(l, "cache_write_tokens") * 0.50m) + (Tokens(l, "completion_tokens") * 2.00m)) / 1_000_000m, 8));
        Assert.Equal(expected, lines.Sum(l => l["cost_usd"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task TwoModels_EachGetTheirOwnBatches_AndEveryAnalysisIsAnsweredOnce()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions { Latency = TimeSpan.Zero, BatchCompletionDelay = TimeSpan.FromMilliseconds(200) });
        using var sandbox = Sandbox(server, 30);
        sandbox.Environment["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = server.BaseUrl.ToString();

        var run = await sandbox.RunAsync("--models", $"{Model},openai-compatible/fake", "--batch");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}");
        Assert.Equal(2, server.Stats.BatchSubmissions);
        Assert.Equal(60, server.Stats.BatchLines);
        Assert.Equal(1, server.Stats.Requests);
        var batches = RunFolderChecks.Manifest(run.Folder)["batches"]!.AsArray().Select(b => (string)b!["file"]!).ToList();
        Assert.Equal(["batches/openai-compatible_fake/requests-0001.jsonl", "batches/openai_gpt-4o-mini/requests-0001.jsonl"], batches.Order(StringComparer.Ordinal));
        Assert.Equal(60, RunFolderChecks.AnalysisResults(run.Folder).Count);
    }

    [Fact]
    public async Task TheRequestFileAndItsTaskIds_AreRecordedBeforeAnythingIsSent()
    {
        // A server without the Batch API: the upload is refused, so the record shows what existed before the first call.
        await using var server = Infrastructure.FakeModelServer.Start();
        using var sandbox = PipelineSandbox.Of("nano", new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-test-batch-0123456789",
            ["OPENAI_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
        });
        SyntheticCorpus.Write(sandbox.ExperimentPath, 5);

        var run = await sandbox.RunAsync("--model", Model, "--batch");

        Assert.True(run.ExitCode == 4, $"exit {run.ExitCode}, expected 4 (failed)\n{run.Output}");
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/files", request.Path);
        Assert.DoesNotContain("sk-test-batch-0123456789", run.Output);
        var submission = JsonNode.Parse(File.ReadAllText(Path.Combine(run.Folder, "batches", "openai_gpt-4o-mini", "submission.json")))!;
        var chunk = Assert.Single(submission["chunks"]!.AsArray())!;
        Assert.Equal("prepared", (string?)chunk["status"]);
        Assert.Null((string?)chunk["batch_id"]);
        var file = File.ReadAllBytes(Path.Combine(run.Folder, (string)chunk["file"]!));
        Assert.Equal(RunFolderChecks.Sha256(file), (string?)chunk["sha256"]);
        var lines = System.Text.Encoding.UTF8.GetString(file).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(chunk["task_ids"]!.AsArray().Select(t => (string?)t), lines.Select(l => (string?)l["custom_id"]));
        Assert.Equal(5, lines.Count);
        Assert.All(lines, l => Assert.Equal("/v1/chat/completions", (string?)l["url"]));
        var manifest = RunFolderChecks.Manifest(run.Folder);
        Assert.Equal("prepared", (string?)Assert.Single(manifest["batches"]!.AsArray())!["status"]);
        Assert.Contains("--resume", (string?)manifest["error"]);
    }

    private static PipelineSandbox Sandbox(FakeLlmServer server, int documents)
    {
        var sandbox = PipelineSandbox.Of("nano", new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-test-batch-0123456789",
            ["OPENAI_BASE_URL"] = server.BaseUrl.ToString(),
            ["DISCERNUS_MODEL_MAX_RETRIES"] = "0",
            ["DISCERNUS_BATCH_MAX_REQUESTS_PER_FILE"] = "100",
            ["DISCERNUS_BATCH_POLL_SECONDS"] = "0.1",
            ["DISCERNUS_BATCH_MAX_POLL_SECONDS"] = "0.2",
        });
        SyntheticCorpus.Write(sandbox.ExperimentPath, documents);
        return sandbox;
    }

    private static SortedDictionary<string, string> Scores(string runFolder) =>
        new(RunFolderChecks.AnalysisResults(runFolder).ToDictionary(r => (string)r["document_name"]!, r => r["framework_analysis"]!.ToJsonString()), StringComparer.Ordinal);

    private static long Tokens(JsonNode line, string name) => line[name]?.GetValue<long>() ?? 0;

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan limit, Func<string> output)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < limit, $"gave up waiting after {limit}\n{output()}");
            await Task.Delay(50);
        }
    }

    private static async Task<int> DiscernusCliWithin(CliHarness cli, TimeSpan limit, params string[] arguments) =>
        await Discernus.Cli.DiscernusCli.InvokeAsync(arguments, cli.Context).WaitAsync(limit);
}
