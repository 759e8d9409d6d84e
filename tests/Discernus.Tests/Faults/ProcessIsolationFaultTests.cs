using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Infrastructure;
using Discernus.Tests.Orchestration;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Discernus.Tests.Faults;

/// <summary>
/// Process isolation with real processes: `discernus worker --isolation process` (and `run --isolation process`) on a
/// real redis-server, agents in child `discernus agent` processes, and agents that crash those children for real: the
/// runtime's own FailFast and stack overflow (armed by the documented testing aid
/// <c>DISCERNUS_FAULT_INJECT_AGENT_CRASH</c>), a damaged object in the artifact store, a model call that never answers,
/// and the worker itself killed. In every case the worker lives on and serves the other documents.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed partial class ProcessIsolationFaultTests(ITestOutputHelper output)
{
    private const string TaskRanInChild = "ran in agent process";
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan Progress = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task WorkerWithProcessIsolation_CompletesARun_EachTaskInItsOwnChildProcess()
    {
        const int documents = 24;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "isolated", documents);

        // Started through the app host (`discernus`, as an installed tool runs), so its children are started the same way.
        await using var worker = CliProcess.StartAppHost("worker", cluster.ProcessEnvironment(), cluster.Root, "worker", "--concurrency", "4", "--isolation", "process");
        var clock = Stopwatch.StartNew();
        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);

        await run.AssertExitsWithAsync(0, RunLimit);
        await cluster.AssertCompleteAsync(runFolder, documents);
        Assert.Contains("each task in its own process", worker.Output, StringComparison.Ordinal);

        // A child is part of its worker: results name the worker process, as they do without isolation.
        Assert.All(FaultCluster.Results(runFolder), r => Assert.Equal($"{Environment.MachineName}:{worker.Id}", r.ProcessingMetadata.Worker));
        var children = await EventuallyAsync(() => ChildRuns(cluster), c => c.Count >= documents + 2, TimeSpan.FromSeconds(30));
        Assert.Equal(documents + 2, children.Count);
        Assert.Equal(documents + 2, children.Select(c => c.AgentProcessId).Distinct().Count());
        Assert.All(children, c => Assert.Equal(0, c.ExitCode));
        Assert.Empty(ChildrenOf(worker.Id));
        Report($"isolation: {documents} documents through one `worker --isolation process` (app host): {documents + 2} tasks in {documents + 2} child processes, run exit 0 in {clock.Elapsed.TotalSeconds:F1} s, median child {Median(children):F0} ms");
    }

    [Fact]
    public async Task AgentsThatCrashTheirProcess_EndInTheDeadList_WhileTheWorkerServesEveryOtherDocument()
    {
        const int documents = 30;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "crashing_agents", documents);
        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
        var manifest = await WaitForManifestAsync(runFolder, m => m.Status == RunStatus.Running && m.Documents.Count == documents);

        // Three ways for an agent to die: the runtime aborts (FailFast), the stack overflows, the agent throws on a
        // damaged object. In one process each would have ended the worker (the first two) or been caught (the last).
        var failFast = manifest.Documents[3];
        var stackOverflow = manifest.Documents[11];
        var damaged = manifest.Documents[19];
        // Packed or not, a file under the object's own path is what the store reads first.
        Directory.CreateDirectory(Path.Combine(cluster.ArtifactsDirectory, damaged.TextSha256[..2]));
        await File.WriteAllTextAsync(Path.Combine(cluster.ArtifactsDirectory, damaged.TextSha256[..2], damaged.TextSha256[2..]), "damaged on disk");
        var crashes = new Dictionary<string, string?>
        {
            [AgentFaultInjection.Variable] = $"failfast:{failFast.TextSha256},stackoverflow:{stackOverflow.TextSha256}",
        };
        await using var worker = CliProcess.Start("worker", cluster.ProcessEnvironment(crashes), cluster.Root, "worker", "--concurrency", "3", "--isolation", "process");

        Assert.Equal(6, await run.WaitForExitAsync(RunLimit));
        var ended = RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName));
        Assert.Equal(RunStatus.CompletedWithFailures, ended.Status);
        Assert.Equal(3, ended.Failures.Count);
        Assert.All(ended.Failures, f => Assert.Contains("3 time(s)", f.Reason, StringComparison.Ordinal));
        var failFastReason = Assert.Single(ended.Failures, f => f.DocumentName == failFast.File).Reason;
        Assert.Contains("SIGABRT", failFastReason, StringComparison.Ordinal);
        Assert.Contains("injected crash", failFastReason, StringComparison.Ordinal);
        var overflowReason = Assert.Single(ended.Failures, f => f.DocumentName == stackOverflow.File).Reason;
        Assert.Contains("SIGABRT", overflowReason, StringComparison.Ordinal);
        Assert.Contains("Stack overflow", overflowReason, StringComparison.Ordinal);
        Assert.Contains("corrupted", Assert.Single(ended.Failures, f => f.DocumentName == damaged.File).Reason, StringComparison.Ordinal);
        output.WriteLine(string.Join(Environment.NewLine, ended.Failures.Select(f => $"{f.DocumentName}: {f.Reason}")));
        Assert.Equal(3, await cluster.Db.ListLengthAsync(cluster.Keys.Dead));
        Assert.Equal(documents - 3, FaultCluster.Results(runFolder).Count);

        // The worker never went down: it is still serving, and stops cleanly when asked.
        Assert.False(worker.HasExited, worker.Output);
        var crashed = (await EventuallyAsync(() => ChildRuns(cluster), c => c.Count(r => r.ExitCode != 0) >= 9, TimeSpan.FromSeconds(30))).Count(c => c.ExitCode != 0);
        Assert.Equal(9, crashed);
        await worker.TerminateAsync();
        await worker.AssertExitsWithAsync(0, TimeSpan.FromMinutes(1));
        Report($"isolation: {crashed} child processes crashed (FailFast ×3, stack overflow ×3, damaged object ×3): 3 tasks dead after 3 attempts each, {documents - 3} documents analysed by the same worker, which then exited 0 on SIGTERM");
    }

    [Fact]
    public async Task AgentProcessThatHangs_IsKilledAfterItsTimeLimit_AndItsTaskEndsDead()
    {
        const int documents = 6;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "hanging_agent", documents);
        const string victim = "doc_00005.txt";
        var answer = cluster.Model.Handler!;

        // A provider that accepts the call and never answers, with the model's own time-out far away: only the
        // worker's limit on the child can end it. The limit leaves a healthy child on a busy machine ample time.
        cluster.Model.Handler = request => ScriptedAnalysisAnswers.DocumentName(request) == victim
            ? answer(request) with { Latency = TimeSpan.FromMinutes(10) }
            : answer(request);
        var limits = new Dictionary<string, string?>
        {
            [AgentIsolationOptions.TimeoutVariable] = "20",
            ["DISCERNUS_MODEL_TIMEOUT_SECONDS"] = "900",
        };
        await using var worker = CliProcess.Start("worker", cluster.ProcessEnvironment(limits), cluster.Root, "worker", "--concurrency", "2", "--isolation", "process");
        var clock = Stopwatch.StartNew();
        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);

        Assert.Equal(6, await run.WaitForExitAsync(RunLimit));
        var ended = RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName));
        var failure = Assert.Single(ended.Failures);
        Assert.Equal(victim, failure.DocumentName);
        Assert.Contains("did not finish within 20 s (DISCERNUS_AGENT_TIMEOUT_SECONDS) and was killed", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("3 time(s)", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(documents - 1, FaultCluster.Results(runFolder).Count);
        Assert.Equal(3, cluster.Model.Requests.Count(r => ScriptedAnalysisAnswers.DocumentName(r) == victim));
        Assert.False(worker.HasExited, worker.Output);
        Assert.Empty(ChildrenOf(worker.Id));
        await worker.TerminateAsync();
        await worker.AssertExitsWithAsync(0, TimeSpan.FromMinutes(1));
        Report($"isolation: a child whose model call never returns was killed after its 20 s limit, 3 times, then dead-lettered; run completed_with_failures in {clock.Elapsed.TotalSeconds:F1} s; no child left behind");
    }

    [Fact]
    public async Task ChildAgentProcesses_EndWithTheirWorker_WhenItIsKilled()
    {
        const int documents = 6;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "orphans", documents);
        var answer = cluster.Model.Handler!;
        cluster.Model.Handler = request => answer(request) with { Latency = TimeSpan.FromMinutes(10) };
        await using var worker = CliProcess.Start("worker", cluster.ProcessEnvironment(), cluster.Root, "worker", "--concurrency", "2", "--isolation", "process");
        cluster.StartRun("run", experiment, null, "--no-local-workers");

        var children = await EventuallyAsync(() => ChildrenOf(worker.Id), c => c.Count == 2, Progress);
        worker.Kill();

        // Nothing would take their answers any more: a child sees its standard input close and exits at once.
        var clock = Stopwatch.StartNew();
        await EventuallyAsync(() => children.Where(IsAlive).ToList(), alive => alive.Count == 0, TimeSpan.FromSeconds(30));
        Report($"isolation: worker killed with SIGKILL while 2 children waited on the model: both children gone {clock.Elapsed.TotalSeconds:F1} s later");
    }

    [Fact]
    public async Task AgentProcesses_IgnoreCtrlCAndSigterm_AndFinishTheirTask()
    {
        // Ctrl-C in a terminal reaches every process of the group, a service manager may signal them all: the worker
        // decides when its tasks stop, so a child signalled mid-call still delivers its answer.
        const int documents = 2;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "signalled", documents);
        var answer = cluster.Model.Handler!;
        cluster.Model.Handler = request => ScriptedAnalysisAnswers.IsSynthesis(request)
            ? answer(request)
            : answer(request) with { Latency = TimeSpan.FromSeconds(5) };
        await using var worker = CliProcess.Start("worker", cluster.ProcessEnvironment(), cluster.Root, "worker", "--concurrency", "2", "--isolation", "process");
        var run = cluster.StartRun("run", experiment, null, "--no-local-workers");

        // Both analyses are waiting on the model: both children are in their agent, and no third one exists.
        await EventuallyAsync(() => cluster.Model.Requests.Count, n => n == documents, Progress);
        var signalled = ChildrenOf(worker.Id);
        Assert.Equal(documents, signalled.Count);
        foreach (var child in signalled)
        {
            await SignalAsync("INT", child);
            await SignalAsync("TERM", child);
        }

        await run.AssertExitsWithAsync(0, RunLimit);
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
        await cluster.AssertCompleteAsync(runFolder, documents);
        var children = await EventuallyAsync(() => ChildRuns(cluster), c => c.Count >= documents + 2, TimeSpan.FromSeconds(30));
        Assert.Equal(documents + 2, children.Count);
        Assert.All(children, c => Assert.Equal(0, c.ExitCode));
        Assert.Equal(documents, cluster.Model.Requests.Count(r => !ScriptedAnalysisAnswers.IsSynthesis(r)));
        Report($"isolation: {signalled.Count} child processes sent SIGINT and SIGTERM while waiting on the model: each finished its task (exit 0), nothing was retried");
    }

    [Fact]
    public async Task RunWithProcessIsolation_KeepsTheRunsLogsAndCounts_AsInProcessAgentsDo()
    {
        const int documents = 10;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "isolated_run", documents);

        // The default set-up, embedded Garnet: the run's own local workers, each task in a child process.
        var run = cluster.StartRun("run", experiment, new Dictionary<string, string?> { ["DISCERNUS_REDIS_URL"] = null }, "--isolation", "process", "--concurrency", "3");
        await run.AssertExitsWithAsync(0, RunLimit);

        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, Progress);
        await cluster.AssertCompleteAsync(runFolder, documents);
        Assert.Contains("each task in its own process", run.Output, StringComparison.Ordinal);
        var manifest = RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName));
        var calls = File.ReadAllLines(Path.Combine(runFolder, "logs", "llm_interactions.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(documents, calls.Count(c => c.GetProperty("caller_agent").GetString() == "AnalyseDocumentAgent"));
        Assert.Equal(calls.Count, manifest.Cost.ProviderRequests);
        Assert.Equal(cluster.Model.Requests.Count, manifest.Cost.ProviderRequests);
        var analysisLog = File.ReadAllLines(Path.Combine(runFolder, "logs", "batch_analysis.jsonl"));
        Assert.Equal(documents, analysisLog.Count(l => l.Contains("AnalyseDocumentAgent finished", StringComparison.Ordinal)));
        Assert.Equal(documents + 2, (await EventuallyAsync(() => ChildRuns(cluster), c => c.Count >= documents + 2, TimeSpan.FromSeconds(30))).Count);
        Report($"isolation: `run --isolation process` (embedded Garnet): {documents} documents, {calls.Count} model calls recorded in the run's log by the run process and counted in its manifest");
    }

    [Fact]
    public async Task PerMinuteLimit_IsOneBucketForEveryAgentProcess_OnTheRunsEmbeddedGarnet()
    {
        // 60 requests per minute is one a second with a burst of one. The children take it from one bucket on the run's
        // embedded Garnet (a bucket per child would let every call go at once): the bucket is seen there while the run
        // works, and 12 calls cannot leave the children less than 11 s apart (the server sees them a little jittered).
        const int documents = 12;
        await using var cluster = await FaultCluster.StartAsync();
        var experiment = SyntheticExperiment.Create(cluster.Root, "limited", documents);
        var settings = new Dictionary<string, string?> { ["DISCERNUS_REDIS_URL"] = null, ["DISCERNUS_MODEL_REQUESTS_PER_MINUTE"] = "60" };

        var run = cluster.StartRun("run", experiment, settings, "--isolation", "process", "--concurrency", "4");
        var address = (await EventuallyAsync(() => GarnetAddress().Match(run.Output), m => m.Success, Progress)).Groups[1].Value;
        await using var garnet = await ConnectionMultiplexer.ConnectAsync(address);
        var buckets = new HashSet<string>(StringComparer.Ordinal);
        while (!run.HasExited && buckets.Count == 0)
        {
            try
            {
                buckets.UnionWith(garnet.GetServer(address).Keys(pattern: cluster.Keys.Prefix + "ratelimit:*").Select(k => k.ToString()));
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
            {
                // The run ended and its Garnet with it.
                break;
            }

            await Task.Delay(20);
        }

        await run.AssertExitsWithAsync(0, RunLimit);
        Assert.Contains(buckets, b => b.EndsWith(":rpm", StringComparison.Ordinal));
        var analyses = cluster.Model.Requests.Where(r => !ScriptedAnalysisAnswers.IsSynthesis(r)).Select(r => r.ReceivedAt).Order().ToList();
        Assert.Equal(documents, analyses.Count);
        var spread = TimeProvider.System.GetElapsedTime(analyses[0], analyses[^1]);
        Assert.True(spread >= TimeSpan.FromSeconds(6), $"{documents} calls within {spread.TotalSeconds:F1} s: the limit of 60 per minute did not hold across the children");
        Report($"isolation: DISCERNUS_MODEL_REQUESTS_PER_MINUTE=60 with 4 agent processes at a time: one bucket on the run's Garnet ({string.Join(", ", buckets)}), {documents} calls spread over {spread.TotalSeconds:F1} s (11 s or more when shared)");
    }

    [GeneratedRegex(@"embedded Garnet at (127\.0\.0\.1:\d+)")]
    private static partial Regex GarnetAddress();

    /// <summary>Every child a worker ran, from the workers' process logs: the child's pid, its exit code and how long it took.</summary>
    private static IReadOnlyList<(int AgentProcessId, int ExitCode, long Milliseconds)> ChildRuns(FaultCluster cluster) =>
        cluster.LogLines()
            .Where(l => l.Contains(TaskRanInChild, StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("AgentProcessId").GetInt32(), e.GetProperty("ExitCode").GetInt32(), e.GetProperty("Milliseconds").GetInt64()))
            .ToList();

    private static double Median(IReadOnlyList<(int AgentProcessId, int ExitCode, long Milliseconds)> children)
    {
        var sorted = children.Select(c => c.Milliseconds).Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    /// <summary>The live `discernus agent` children of a process (from /proc).</summary>
    private static List<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                if (fields[0] != "Z" && fields[1] == parent.ToString(CultureInfo.InvariantCulture) && arguments.Contains(AgentCommandName))
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked: not a child any more.
                continue;
            }
        }

        return children;
    }

    private const string AgentCommandName = "agent";

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<RunManifest> WaitForManifestAsync(string runFolder, Func<RunManifest, bool> condition)
    {
        var path = Path.Combine(runFolder, RunFolder.ManifestFileName);
        return await EventuallyAsync(
            () =>
            {
                try
                {
                    return RunFolder.ReadManifest(path);
                }
                catch (Exception ex) when (ex is IOException or JsonException)
                {
                    // Read while being replaced: the next look sees it whole.
                    return null;
                }
            },
            m => m is not null && condition(m),
            Progress) ?? throw new InvalidOperationException("unreachable");
    }

    private static async Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = read();
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

    private void Report(string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("DISCERNUS_FAULT_REPORT") is { Length: > 0 } file)
        {
            File.AppendAllText(file, line + Environment.NewLine);
        }
    }
}
