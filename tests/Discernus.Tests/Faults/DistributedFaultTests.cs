using System.Diagnostics;
using System.Globalization;
using Discernus.Provenance;
using Discernus.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Discernus.Tests.Faults;

/// <summary>
/// Issue 6's fault tests: real `discernus worker` and `discernus run` processes on a real redis-server (AOF), faults
/// caused as they happen in production (SIGKILL, SIGSTOP past the lease, Redis restarted, every client connection
/// killed, the S3 server stopped, the run process killed), and each run must still end with exactly one result per
/// document, nothing dead, and a folder that verifies. Each test is bounded: a hang fails it with the processes' output.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class DistributedFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan Progress = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task RunCompletes_WhenWorkersAreKilledWithSigkillSeveralTimes()
    {
        const int documents = 1000;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "killed_workers", documents);
        var workers = Enumerable.Range(1, 3).Select(i => cluster.StartWorker($"worker-{i}")).ToList();
        var clock = Stopwatch.StartNew();
        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);

        var random = new Random(6);
        var kills = new List<string>();
        var killedAt = new List<DateTimeOffset>();
        foreach (var remaining in new[] { 800, 500, 250 })
        {
            await cluster.WaitForQueueAsync(remaining - random.Next(50), Progress);
            var victim = workers[random.Next(workers.Count)];
            victim.Kill();
            killedAt.Add(DateTimeOffset.UtcNow);
            kills.Add($"{victim.Name} with {await cluster.Db.ListLengthAsync(cluster.Keys.Tasks)} tasks left in the queue, at {clock.Elapsed.TotalSeconds:F1} s");
            workers.Remove(victim);
            workers.Add(cluster.StartWorker($"worker-{workers.Count + kills.Count + 1}"));
        }

        await run.AssertExitsWithAsync(0, RunLimit);
        await cluster.AssertCompleteAsync(runFolder, documents);

        // Every request the provider received is in the run's record, wherever it was made: the workers sent theirs to
        // the run, a killed worker's requests in flight included (announced before they went out). Only a request
        // announced by a worker killed before it reached the provider is recorded and never served.
        var recorded = File.ReadAllLines(Path.Combine(runFolder, "logs", "llm_interactions.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Count(c => !c.GetProperty("cached").GetBoolean());
        var served = cluster.Model.Requests.Count;
        Assert.InRange(recorded - served, 0, kills.Count * 4);
        Assert.Equal(recorded, RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName)).Cost.ProviderRequests);
        var requeues = cluster.LogEvents("stopped beating; requeued");
        var delays = killedAt.Select(k => requeues.Where(e => e.At >= k).Select(e => (e.At - k).TotalSeconds).DefaultIfEmpty(double.NaN).Min()).ToList();
        Report($"(a) {documents} documents, {kills.Count} workers killed with SIGKILL ({string.Join("; ", kills)}): completed in {clock.Elapsed.TotalSeconds:F1} s; "
            + $"{requeues.Count} requeue event(s), {requeues.Sum(e => e.Count)} task(s) requeued, {string.Join(" / ", delays.Select(d => d.ToString("F1", CultureInfo.InvariantCulture)))} s after each kill; 0 lost, 0 duplicated, dead list empty; "
            + $"provider requests: {served} served by the fake, {recorded} recorded in the run (manifest and llm_interactions.jsonl)");
    }

    [Fact]
    public async Task TaskThatAlwaysCrashesItsAgent_EndsInTheDeadList_AndTheRunReportsIt()
    {
        const int documents = 40;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "crashing_task", documents);
        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
        var manifest = await WaitForManifestAsync(runFolder, m => m.Status == RunStatus.Running && m.Documents.Count == documents);

        // The text of one document is damaged in the store before any worker reads it: its agent throws every time.
        var victim = manifest.Documents[7];
        // Packed or not, a file under the object's own path is what the store reads first.
        var objectPath = Path.Combine(cluster.ArtifactsDirectory, victim.TextSha256[..2], victim.TextSha256[2..]);
        Directory.CreateDirectory(Path.GetDirectoryName(objectPath)!);
        await File.WriteAllTextAsync(objectPath, "damaged on disk");
        cluster.StartWorker("worker-1");
        cluster.StartWorker("worker-2");

        Assert.Equal(6, await run.WaitForExitAsync(RunLimit));
        var ended = RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName));
        Assert.Equal(RunStatus.CompletedWithFailures, ended.Status);
        var failure = Assert.Single(ended.Failures);
        Assert.Equal(victim.File, failure.DocumentName);
        Assert.Contains("corrupted", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("3 time(s)", failure.Reason, StringComparison.Ordinal);
        var dead = Assert.Single(await cluster.Db.ListRangeAsync(cluster.Keys.Dead)).ToString();
        Assert.Contains(failure.TaskId, dead, StringComparison.Ordinal);
        Assert.Equal(documents - 1, FaultCluster.Results(runFolder).Count);
        Assert.Contains(victim.File, run.Output, StringComparison.Ordinal);
        Report($"(b) a task whose agent always crashes: dead-lettered after 3 attempts, run completed_with_failures (exit 6) naming {victim.File}; {documents - 1} other documents analysed");
    }

    [Fact]
    public async Task RunCompletes_WhenRedisRestartsMidRun()
    {
        const int documents = 600;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "redis_restart", documents);
        var workers = Enumerable.Range(1, 3).Select(i => cluster.StartWorker($"worker-{i}")).ToList();
        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
        await cluster.WaitForQueueAsync(400, Progress);

        // Every agent holds its task while Redis restarts, so tasks are still queued when it is back and the test sees
        // claims resume: at 40 ms an answer, three workers emptied the queue before a stop had completed.
        cluster.ModelLatency = TimeSpan.FromSeconds(3);
        var restart = Stopwatch.StartNew();
        await cluster.Redis.RestartAsync();
        var down = restart.Elapsed;
        var atRestart = await cluster.Db.ListLengthAsync(cluster.Keys.Tasks);
        Assert.True(atRestart > 0, "no task was left queued when Redis came back");
        cluster.ModelLatency = TimeSpan.FromMilliseconds(40);
        await cluster.WaitForQueueAsync(atRestart - 1, Progress);
        var resumedAfter = restart.Elapsed;

        await run.AssertExitsWithAsync(0, RunLimit);
        await cluster.AssertCompleteAsync(runFolder, documents);
        Assert.All(workers, w => Assert.False(w.HasExited, $"{w.Name} exited:{Environment.NewLine}{w.Output}"));
        Assert.Contains(cluster.LogLines(), l => l.Contains("Lost Redis", StringComparison.Ordinal));
        Assert.Contains(cluster.LogLines(), l => l.Contains("reachable again", StringComparison.Ordinal));
        Report($"(c) redis-server restarted (AOF) with {atRestart} of {documents} tasks still queued (stop + start {down.TotalSeconds:F1} s): claims resumed {resumedAfter.TotalSeconds:F1} s after the stop began; run exit 0, {documents} results, all 3 workers alive");
    }

    [Fact]
    public async Task RunCompletes_WhenEveryClientConnectionIsKilledRepeatedly()
    {
        const int documents = 600;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "client_kill", documents);
        var workers = Enumerable.Range(1, 3).Select(i => cluster.StartWorker($"worker-{i}")).ToList();
        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);

        var killed = new List<long>();
        foreach (var remaining in new[] { 450, 300, 150 })
        {
            await cluster.WaitForQueueAsync(remaining, Progress);
            killed.Add(await cluster.KillClientConnectionsAsync());
        }

        await run.AssertExitsWithAsync(0, RunLimit);
        await cluster.AssertCompleteAsync(runFolder, documents);
        Assert.All(workers, w => Assert.False(w.HasExited, $"{w.Name} exited:{Environment.NewLine}{w.Output}"));
        Assert.All(killed, k => Assert.True(k > 10, $"only {k} connections were killed"));
        Report($"(c) CLIENT KILL TYPE normal three times ({string.Join(", ", killed)} connections): run exit 0, {documents} results, all 3 workers alive");
    }

    [Fact]
    public async Task FourRunsAtOnce_FromExperimentsInDifferentFolders_DoNotMix()
    {
        const int documents = 150;
        await using var cluster = await FaultCluster.StartAsync();

        // No shared artifact folder: each run's default store sits beside its experiment, as for a new user.
        var ownStores = new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = null };
        var experiments = new[] { "group_a", "group_b", "group_a", "group_c" }
            .Select((group, i) => SyntheticExperiment.Create(Path.Combine(cluster.Root, group), $"study_{i}", documents + (i * 10)))
            .ToList();
        var workers = Enumerable.Range(1, 3).Select(i => cluster.StartWorker($"worker-{i}", 3, ownStores)).ToList();
        var runs = experiments.Select((experiment, i) => i < 2
                ? cluster.StartRun($"run-{i}", experiment, ownStores, "--concurrency", "2")
                : cluster.StartRun($"run-{i}", experiment, ownStores, "--no-local-workers"))
            .ToList();

        for (var i = 0; i < runs.Count; i++)
        {
            Assert.Equal(0, await runs[i].WaitForExitAsync(RunLimit));
        }

        for (var i = 0; i < experiments.Count; i++)
        {
            var runFolder = await FaultCluster.RunFolderOfAsync(experiments[i], Progress);
            await cluster.AssertCompleteAsync(runFolder, documents + (i * 10));
            Assert.All(FaultCluster.Results(runFolder), r => Assert.StartsWith($"study_{i}_", r.CorpusDocumentId, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(cluster.LogLines(), l => l.Contains("is not in the artifact store", StringComparison.Ordinal));
        Report($"(e) four runs at once (two `run` processes with local workers, two without, three workers; experiments in three parent folders, each with its own store): all completed, {experiments.Count} × ~{documents} documents, no result in the wrong run");
    }

    [Fact]
    public async Task WorkerPausedPastItsLease_LosesItsTasksToOthers_AndItsLateResultsAreDiscarded()
    {
        const int documents = 400;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "paused_worker", documents);
        var paused = cluster.StartWorker("worker-paused");
        var others = new[] { cluster.StartWorker("worker-2"), cluster.StartWorker("worker-3") };
        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
        await cluster.WaitForQueueAsync(300, Progress);

        var clock = Stopwatch.StartNew();
        await paused.PauseAsync();
        await run.AssertExitsWithAsync(0, RunLimit);
        var completedAfter = clock.Elapsed;
        await paused.ResumeAsync();

        await cluster.AssertCompleteAsync(runFolder, documents);
        var discarded = await EventuallyAsync(
            () => cluster.LogLines().Count(l => l.Contains("no longer holds task", StringComparison.Ordinal) || l.Contains("has ended", StringComparison.Ordinal)),
            n => n > 0,
            TimeSpan.FromSeconds(60));
        Assert.False(paused.HasExited, paused.Output);
        Assert.Equal(documents, FaultCluster.Results(runFolder).Count);
        Report($"(f) worker paused with SIGSTOP with 300 of {documents} tasks queued: its claims were taken over after its 15 s lease and the run completed {completedAfter.TotalSeconds:F1} s after the pause; after SIGCONT it discarded {discarded} late task(s); {documents} results, no duplicate");
    }

    [Fact]
    public async Task RunKilledWithSigkill_IsResumed_AndOnlyMissingDocumentsAreAnalysed()
    {
        const int documents = 1000;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "killed_run", documents);
        foreach (var i in Enumerable.Range(1, 3))
        {
            cluster.StartWorker($"worker-{i}");
        }

        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
        await cluster.WaitForQueueAsync(700, Progress);
        run.Kill();
        await run.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var atKill = FaultCluster.Results(runFolder).Count;

        var clock = Stopwatch.StartNew();
        var resume = cluster.StartResume("resume", runFolder);
        await resume.AssertExitsWithAsync(0, RunLimit);

        await cluster.AssertCompleteAsync(runFolder, documents);
        var manifest = RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName));
        Assert.Equal(["started", "resumed"], manifest.Executions.Select(e => e.Kind));
        var recorded = File.ReadAllLines(Path.Combine(runFolder, "logs", "batch_analysis.jsonl")).Single(l => l.Contains("already recorded", StringComparison.Ordinal));
        Report($"(g) `run` killed with SIGKILL with 700 of {documents} tasks queued and {atKill} results in its folder; `run --resume` completed in {clock.Elapsed.TotalSeconds:F1} s ({Message(recorded)}); {documents} results, each document once");
    }

    [Fact]
    public async Task EmbeddedRunKilledWithSigkill_IsResumed_FromItsFolderAlone()
    {
        // The default set-up: Garnet inside the run process dies with it, so only the run folder remembers anything.
        const int documents = 400;
        using var root = new TempFolder();
        var experiment = SyntheticExperiment.Create(root.Path, "embedded_killed", documents);
        var environment = new Dictionary<string, string?>
        {
            ["DISCERNUS_ARTIFACTS_DIR"] = Path.Combine(root.Path, "artifacts"),
            ["DISCERNUS_LOG_DIR"] = Path.Combine(root.Path, "logs"),
        };
        await using var run = CliProcess.Start("run", environment, root.Path, "run", experiment, "--concurrency", "2");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
        await FaultCluster.WaitForResultsAsync(runFolder, 100, Progress);
        run.Kill();
        await run.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var atKill = FaultCluster.Results(runFolder).Count;

        await using var resume = CliProcess.Start("resume", environment, root.Path, "run", "--resume", runFolder);
        await resume.AssertExitsWithAsync(0, RunLimit);

        var manifest = RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName));
        Assert.Equal(RunStatus.Completed, manifest.Status);
        Assert.Equal(documents, FaultCluster.Results(runFolder).Select(r => r.CorpusDocumentId).Distinct().Count());
        Assert.Equal(documents, FaultCluster.Results(runFolder).Count);
        Assert.True((await RunVerifier.VerifyAsync(runFolder)).Succeeded);
        var log = File.ReadAllLines(Path.Combine(runFolder, "logs", "batch_analysis.jsonl"));
        var queued = log.Last(l => l.Contains("task(s) already finished", StringComparison.Ordinal));
        Assert.Contains($"{atKill} task(s) already finished", queued, StringComparison.Ordinal);

        // The resume says what it found: every analysis without a result was lost with the embedded server.
        var tally = log.Last(l => l.Contains("analyses have a result and are kept", StringComparison.Ordinal));
        Assert.Contains($"{atKill} of {documents} analyses have a result and are kept; {documents - atKill} queued again", tally, StringComparison.Ordinal);
        Report($"(g) embedded Garnet: `run` killed at {atKill}/{documents}; resumed from the folder alone ({Message(queued)})");
    }

    [Fact]
    public async Task RunCompletes_WhenTheS3ServerStopsMidRunAndComesBack()
    {
        const int documents = 300;
        var s3 = new S3ServerFixture();
        await s3.InitializeAsync();
        try
        {
            await using var cluster = await FaultCluster.StartAsync();
            var experiment = SyntheticExperiment.Create(cluster.Root, "s3_outage", documents);
            var store = new Dictionary<string, string?>
            {
                ["DISCERNUS_ARTIFACT_STORE"] = "s3",
                ["DISCERNUS_S3_ENDPOINT"] = s3.Endpoint,
                ["DISCERNUS_S3_BUCKET"] = S3ServerFixture.NewBucketName("fault"),
                ["DISCERNUS_S3_ACCESS_KEY"] = S3ServerFixture.AccessKey,
                ["DISCERNUS_S3_SECRET_KEY"] = S3ServerFixture.SecretKey,
            };
            foreach (var i in Enumerable.Range(1, 2))
            {
                cluster.StartWorker($"worker-{i}", 4, store);
            }

            var run = cluster.StartRun("run", experiment, store, "--no-local-workers");
            var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
            await cluster.WaitForQueueAsync(200, Progress);

            await s3.StopAsync();
            var stopped = await cluster.Db.ListLengthAsync(cluster.Keys.Tasks);
            await Task.Delay(TimeSpan.FromSeconds(5));
            await s3.StartAsync();

            await run.AssertExitsWithAsync(0, RunLimit);
            await cluster.AssertCompleteAsync(runFolder, documents);
            Assert.DoesNotContain(S3ServerFixture.SecretKey, string.Join("\n", cluster.LogLines()), StringComparison.Ordinal);
            Report($"(d) s3rver stopped for 5 s with {stopped} of {documents} tasks queued: run exit 0 after it came back, {documents} results; the secret key appears in no log");
        }
        finally
        {
            await s3.DisposeAsync();
        }
    }

    private static async Task<RunManifest> WaitForManifestAsync(string runFolder, Func<RunManifest, bool> condition)
    {
        var path = Path.Combine(runFolder, RunFolder.ManifestFileName);
        return await EventuallyAsync(() => RunFolder.ReadManifest(path), condition, Progress);
    }

    private static async Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            T value;
            try
            {
                value = read();
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException)
            {
                // Read while being replaced: try again.
                value = default!;
                await Task.Delay(50);
                continue;
            }

            if (condition(value))
            {
                return value;
            }

            if (clock.Elapsed > limit)
            {
                throw new Xunit.Sdk.XunitException($"the condition did not hold within {limit}; last value: {value}");
            }

            await Task.Delay(100);
        }
    }

    private static string Message(string jsonLine) =>
        System.Text.Json.JsonDocument.Parse(jsonLine).RootElement.GetProperty("message").GetString()!;

    private void Report(string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("DISCERNUS_TEST_FAULT_REPORT") is { Length: > 0 } file)
        {
            File.AppendAllText(file, line + Environment.NewLine);
        }
    }
}
