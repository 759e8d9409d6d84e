using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Discernus.Provenance;
using Discernus.Tests.Infrastructure;
using Discernus.Tests.Orchestration;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Discernus.Tests.Faults;

/// <summary>
/// Issue 13's fault tests: faults of the world around a run, caused as they happen (the provider killed and started
/// again, redis-server restarted without persistence, `debug --reset --force`, a cold start against a provider's
/// concurrency limit), with real `discernus worker` and `discernus run` processes. The run finishes, with one result per
/// document, nothing failed that could have succeeded, and one message per fault.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed partial class WorldFaultTests(ITestOutputHelper output)
{
    private const string Waiting = "Model endpoint unreachable, waiting";
    private const string Rebuilding = "— rebuilding from the run folder";
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan Progress = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ProviderKilledAt30PercentAndBackAfter20s_TheRunWaitsForIt_AndCompletesWithEveryDocument()
    {
        const int documents = 600;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "provider_outage", documents);
        var workers = Enumerable.Range(1, 3).Select(i => cluster.StartWorker($"worker-{i}")).ToList();
        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
        await FaultCluster.WaitForResultsAsync(runFolder, documents * 3 / 10, Progress);

        var atKill = FaultCluster.Results(runFolder).Count;
        var requestsBefore = cluster.Model.Requests.Count;
        await cluster.StopModelAsync();
        await Task.Delay(TimeSpan.FromSeconds(20));
        var duringOutage = FaultCluster.Results(runFolder).Count;
        var clock = Stopwatch.StartNew();
        cluster.StartModelAgain();

        var exit = await run.WaitForExitAsync(RunLimit);
        output.WriteLine(run.Output);
        Assert.Equal(0, exit);
        var resumedIn = clock.Elapsed;
        await cluster.AssertCompleteAsync(runFolder, documents);
        var manifest = RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName));
        Assert.Empty(manifest.Failures);
        Assert.All(manifest.Stages.Where(s => s.TasksFailed is not null), s => Assert.Equal(0, s.TasksFailed));
        Assert.Equal(1, Occurrences(run.Output, Waiting));
        Assert.Equal(1, Occurrences(run.Output, "answers again"));
        Assert.All(workers, w => Assert.False(w.HasExited, w.Output));

        // Every worker kept its tasks while it waited: no attempt was spent, nothing was requeued or dead-listed.
        Assert.DoesNotContain(cluster.LogLines(), l => l.Contains("failed on", StringComparison.Ordinal) && l.Contains("cannot connect", StringComparison.Ordinal));
        var warnings = cluster.LogLines().Count(l => l.Contains("\"@l\":\"Warning\"", StringComparison.Ordinal));
        Report($"provider killed at {atKill}/{documents} results ({requestsBefore} requests served), back after 20 s ({duringOutage} results while it was away): " +
            $"run completed {resumedIn.TotalSeconds:F1} s after it came back; {documents}/{documents}, 0 failed; one \"{Waiting}\" line and one \"answers again\" line in the run's output; {warnings} warning line(s) in the 3 workers' logs");
    }

    [Fact]
    public async Task ProviderAwayPastTheOutageLimit_FailsWithOneMessage_AndResumeAsksOnlyTheMissingDocuments()
    {
        const int documents = 600;
        var limit = new Dictionary<string, string?> { ["DISCERNUS_MODEL_OUTAGE_LIMIT_SECONDS"] = "8" };
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "provider_gone", documents);
        foreach (var i in Enumerable.Range(1, 3))
        {
            cluster.StartWorker($"worker-{i}", 4, limit);
        }

        var run = cluster.StartRun("run", experiment, limit, "--no-local-workers");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
        await FaultCluster.WaitForResultsAsync(runFolder, documents * 3 / 10, Progress);
        await cluster.StopModelAsync();
        var clock = Stopwatch.StartNew();

        var exit = await run.WaitForExitAsync(RunLimit);
        output.WriteLine(run.Output);
        Assert.Equal(4, exit);
        var failedAfter = clock.Elapsed;
        var failed = RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName));
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("unreachable for", failed.Error, StringComparison.Ordinal);
        Assert.Contains("run --resume", failed.Error, StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(run.Output, Waiting));
        Assert.Equal(1, Occurrences(run.Output, "unreachable for"));
        Assert.Empty(failed.Failures);

        // A failed manifest says what the folder holds.
        var kept = FaultCluster.Results(runFolder).Count;
        Assert.Equal(kept, failed.Stages.Single(s => s.Name == StageNames.BatchAnalysis).TasksSucceeded);

        cluster.StartModelAgain();
        var resume = cluster.StartResume("resume", runFolder, limit, "--no-local-workers");
        var resumed = await resume.WaitForExitAsync(RunLimit);
        output.WriteLine(resume.Output);

        Assert.Equal(0, resumed);

        await cluster.AssertCompleteAsync(runFolder, documents);
        Assert.Contains($"Run {failed.RunId}: completed", resume.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("unreachable for", resume.Output, StringComparison.Ordinal);

        // The resume keeps every analysis with a result: the folder's, and those the workers finished after the run
        // had failed (tasks that were waiting for the endpoint, signals the failed run no longer read). It asks the
        // model for the others only, so the provider, back with an empty request log, answers at most the analyses the
        // folder lacked at the failure and at least those the resume found without a result.
        var tally = resume.Output.Split('\n').First(l => l.Contains("analyses have a result", StringComparison.Ordinal)).Trim();
        var keptByResume = int.Parse(System.Text.RegularExpressions.Regex.Match(tally, $@"(\d+) of {documents} analyses have a result").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(keptByResume, kept, documents);
        var analyses = cluster.Model.Requests.Count(r => !ScriptedAnalysisAnswers.IsSynthesis(r));
        Assert.InRange(analyses, documents - keptByResume, documents - kept);
        Report($"provider killed at {kept}/{documents} and not started again: run failed {failedAfter.TotalSeconds:F1} s later (limit 8 s) with one message; " +
            $"`run --resume` after it came back kept {keptByResume} analyses ({keptByResume - kept} finished after the failure), the model answered {analyses} and the run completed (exit 0): \"{tally}\"");
    }

    [Fact]
    public async Task RedisRestartedWithoutPersistence_TheRunIsRebuiltFromItsFolder_AndCompletes()
    {
        const int documents = 600;
        await using var cluster = await FaultCluster.StartAsync(persistence: false);
        var experiment = SyntheticExperiment.Create(cluster.Root, "redis_forgets", documents);
        var workers = Enumerable.Range(1, 3).Select(i => cluster.StartWorker($"worker-{i}")).ToList();
        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
        await FaultCluster.WaitForResultsAsync(runFolder, documents * 3 / 10, Progress);

        var atRestart = FaultCluster.Results(runFolder).Count;
        var clock = Stopwatch.StartNew();
        await cluster.Redis.RestartAsync();

        var exit = await run.WaitForExitAsync(RunLimit);
        var completedAfter = clock.Elapsed;
        output.WriteLine(run.Output);
        Assert.Equal(0, exit);
        await cluster.AssertCompleteAsync(runFolder, documents);
        Assert.True(completedAfter < TimeSpan.FromSeconds(60), $"completed {completedAfter.TotalSeconds:F1} s after the restart");
        Assert.Equal(1, Occurrences(run.Output, Rebuilding));
        Assert.All(workers, w => Assert.False(w.HasExited, w.Output));
        Assert.DoesNotContain(cluster.LogLines(), l => l.Contains("handed to another worker", StringComparison.Ordinal));
        var lost = cluster.LogLines().Count(l => l.Contains("Redis lost its claims", StringComparison.Ordinal) || l.Contains("Redis lost the claim", StringComparison.Ordinal));
        Report($"redis-server restarted without persistence at {atRestart}/{documents} results: the run said so and rebuilt its queue from the folder, completed {completedAfter.TotalSeconds:F1} s after the restart; " +
            $"{documents}/{documents}, 0 duplicates; {lost} worker line(s) said their claims were lost (none said \"handed to another worker\")");
    }

    [Fact]
    public async Task DebugResetForce_LeadsTheRunIntoTheSameRecovery_AndItCompletes()
    {
        const int documents = 600;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "reset_force", documents);
        foreach (var i in Enumerable.Range(1, 3))
        {
            cluster.StartWorker($"worker-{i}");
        }

        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
        await FaultCluster.WaitForResultsAsync(runFolder, documents * 3 / 10, Progress);

        var atReset = FaultCluster.Results(runFolder).Count;
        var clock = Stopwatch.StartNew();
        await using var reset = CliProcess.Start("reset", cluster.ProcessEnvironment(), cluster.Root, "debug", "--reset", "--force");
        await reset.AssertExitsWithAsync(0, TimeSpan.FromMinutes(1));
        Assert.Contains("rebuilds it from its run folder", reset.Output, StringComparison.Ordinal);

        var exit = await run.WaitForExitAsync(RunLimit);
        var completedAfter = clock.Elapsed;
        output.WriteLine(run.Output);
        Assert.Equal(0, exit);
        await cluster.AssertCompleteAsync(runFolder, documents);
        Assert.True(completedAfter < TimeSpan.FromSeconds(60), $"completed {completedAfter.TotalSeconds:F1} s after the reset");
        Assert.Equal(1, Occurrences(run.Output, Rebuilding));
        Report($"`debug --reset --force` at {atReset}/{documents} results: the run rebuilt itself from its folder and completed {completedAfter.TotalSeconds:F1} s after the reset; {documents}/{documents}, 0 duplicates");
    }

    [Fact]
    public async Task SixtyFourLoopsFromAColdStart_AgainstAProviderServing16_FailNoDocument_InEveryRun()
    {
        const int documents = 160;
        const int runs = 10;
        await using var cluster = await FaultCluster.StartAsync();
        var port = FreePort();
        await using var provider = CliProcess.Start("fake-llm", cluster.ProcessEnvironment(), cluster.Root,
            "dev", "fake-llm", "--port", port.ToString(CultureInfo.InvariantCulture), "--latency-ms", "100", "--concurrency", "16");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await WaitForAsync(async () => (await TryGetAsync(http, "stats")) is not null, Progress);
        var environment = new Dictionary<string, string?> { ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = $"http://127.0.0.1:{port}/v1" };

        var rows = new List<string>();
        for (var r = 1; r <= runs; r++)
        {
            // A cold start: new worker processes, and no ceiling learnt by earlier ones.
            await ForgetLearntLimitsAsync(cluster);
            var statsBefore = await StatsAsync(http);
            var workers = Enumerable.Range(1, 4).Select(i => cluster.StartWorker($"cold-{r}-{i}", 16, environment)).ToList();
            var experiment = SyntheticExperiment.Create(Path.Combine(cluster.Root, $"cold_{r}"), "cold_start", documents);
            // --no-cache: every run asks the provider for every document (the same synthetic texts would be answered
            // from the response cache after the first run, and nothing would meet the limit).
            var run = cluster.StartRun($"run-{r}", experiment, environment, "--no-local-workers", "--no-cache");
            await run.AssertExitsWithAsync(0, RunLimit);
            var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
            await cluster.AssertCompleteAsync(runFolder, documents);
            var manifest = RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName));
            Assert.Empty(manifest.Failures);
            var stats = await StatsAsync(http);
            Assert.True(stats.Requests - statsBefore.Requests >= documents, $"run {r} sent {stats.Requests - statsBefore.Requests} requests for {documents} documents");
            rows.Add($"run {r}: 0 failed; {stats.Requests - statsBefore.Requests} requests, {stats.RateLimited - statsBefore.RateLimited} answered 429, at most {stats.MaxConcurrent} in flight");
            foreach (var worker in workers)
            {
                await worker.TerminateAsync();
                await worker.WaitForExitAsync(TimeSpan.FromMinutes(1));
            }
        }

        Report($"4 workers × 16 loops from a cold start against fake-llm --concurrency 16 (100 ms), {documents} documents, {runs} runs: 0 failed documents in {runs} of {runs}; " + string.Join("; ", rows));
    }

    [Fact]
    public async Task AnEvictingRedis_IsRefusedByWorkerAndRun_OrWarnedAboutWhenAllowed()
    {
        await using var cluster = await FaultCluster.StartAsync();
        await using (var admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{cluster.Redis.Port},allowAdmin=true"))
        {
            await admin.GetServers()[0].ConfigSetAsync("maxmemory-policy", "allkeys-lru");
        }

        var experiment = SyntheticExperiment.Create(cluster.Root, "evicting", 4);

        // Refused: an eviction would drop queued tasks and claims without a word.
        var worker = cluster.StartWorker("worker");
        Assert.NotEqual(0, await worker.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("maxmemory-policy allkeys-lru", worker.Output, StringComparison.Ordinal);
        Assert.Contains("DISCERNUS_REDIS_EVICTION=warn", worker.Output, StringComparison.Ordinal);
        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");
        Assert.NotEqual(0, await run.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("maxmemory-policy allkeys-lru", run.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(experiment, "runs")) && Directory.EnumerateFiles(Path.Combine(experiment, "runs"), RunFolder.ManifestFileName, SearchOption.AllDirectories).Any(),
            "a refused run leaves no run folder behind");

        // Allowed by setting: the processes start and say what they risk.
        var allow = new Dictionary<string, string?> { ["DISCERNUS_REDIS_EVICTION"] = "warn" };
        cluster.StartWorker("worker-allowed", 2, allow);
        var allowed = cluster.StartRun("run-allowed", experiment, allow, "--no-local-workers");
        await allowed.AssertExitsWithAsync(0, RunLimit);
        Assert.Contains("allkeys-lru", allowed.Output, StringComparison.Ordinal);
        Report("an external Redis with maxmemory-policy allkeys-lru: `worker` and `run` refused to start with the fix named; with DISCERNUS_REDIS_EVICTION=warn both started, warned and the run completed");
    }

    private static async Task ForgetLearntLimitsAsync(FaultCluster cluster)
    {
        var server = cluster.Connections.Database.Multiplexer.GetServers()[0];
        await foreach (var key in server.KeysAsync(pattern: cluster.Keys.Prefix + "ratelimit:*"))
        {
            await cluster.Db.KeyDeleteAsync(key);
        }
    }

    private static async Task<FakeStats> StatsAsync(HttpClient http)
    {
        using var json = JsonDocument.Parse(await TryGetAsync(http, "stats") ?? throw new InvalidOperationException("fake-llm gave no stats"));
        var root = json.RootElement;
        long Number(string name) => root.TryGetProperty(name, out var value) ? value.GetInt64() : 0;
        return new FakeStats(Number("requests"), Number("rate_limited"), Number("max_concurrent"));
    }

    private sealed record FakeStats(long Requests, long RateLimited, long MaxConcurrent);

    private static async Task<string?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return await http.GetStringAsync(path);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new Xunit.Sdk.XunitException($"the condition did not hold within {limit}");
            }

            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static int Occurrences(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    private void Report(string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("DISCERNUS_TEST_FAULT_REPORT") is { Length: > 0 } file)
        {
            File.AppendAllText(file, line + Environment.NewLine);
        }
    }
}
