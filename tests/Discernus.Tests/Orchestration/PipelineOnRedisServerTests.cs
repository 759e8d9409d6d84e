using Discernus.Coordination;
using Discernus.Orchestration;
using Discernus.Tests.Infrastructure;
using StackExchange.Redis;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// The same pipeline coordinated through a real redis-server (DISCERNUS_REDIS_URL) instead of the embedded Garnet:
/// a single run, two runs of different experiments at once on one prefix, and a coordination fault.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class PipelineOnRedisServerTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private string Url => $"redis://127.0.0.1:{redis.Port}";

    private static string NewPrefix(string test) => $"{test}-{Guid.NewGuid().ToString("N")[..8]}:";

    private Dictionary<string, string?> RedisEnvironment(string prefix) => new()
    {
        ["DISCERNUS_REDIS_URL"] = Url,
        ["DISCERNUS_REDIS_PREFIX"] = prefix,
    };

    [Fact]
    public async Task Nano_Completes_CoordinatedThroughRedisServer()
    {
        var prefix = NewPrefix("single");
        using var sandbox = PipelineSandbox.Of("nano", RedisEnvironment(prefix));

        var run = await sandbox.RunAsync();

        await RunFolderChecks.AssertCompletedRunAsync(run, "nano");
        Assert.DoesNotContain("embedded Garnet", run.Output);
        var runId = (string)RunFolderChecks.Manifest(run.Folder)["run_id"]!;
        // The run's state hash lives in this redis-server under this test's prefix: the run really went through it.
        var state = await redis.Connections.Database.HashGetAllAsync($"{prefix}run:{runId}:state");
        Assert.Contains(state, e => e.Name == "status" && e.Value == "completed");
    }

    [Fact]
    public async Task TwoRunsOfDifferentExperiments_AtTheSameTime_OnOnePrefix_BothComplete()
    {
        // Two Discernus processes of one installation: one Redis prefix, one artifact store, each with its own
        // Orchestrator and agent loops (own ids, as two processes would have), each submitting one run.
        var prefix = NewPrefix("pair");
        using var shared = new TempFolder();
        using var nano = PipelineSandbox.Of("nano");
        using var academic = PipelineSandbox.Of("academic_discourse");
        HostOptions Options(string name) => new()
        {
            RedisUrl = Url,
            KeyPrefix = prefix,
            Settings = DiscernusSettings.Defaults,
            ArtifactsDirectory = shared.Path,
            Router = new RouterOptions { WorkerIdPrefix = $"{name}-{Guid.NewGuid():N}" },
            Orchestrator = new OrchestratorOptions { OrchestratorId = $"orchestrator-{name}-{Guid.NewGuid():N}" },
        };
        await using var first = await DiscernusHost.StartAsync(Options("first"));
        await using var second = await DiscernusHost.StartAsync(Options("second"));

        var submitted = await Task.WhenAll(HostRuns.SubmitAsync(first, nano.ExperimentPath), HostRuns.SubmitAsync(second, academic.ExperimentPath));
        var states = await Task.WhenAll(HostRuns.WaitForFinalStateAsync(first, submitted[0].RunId), HostRuns.WaitForFinalStateAsync(second, submitted[1].RunId));

        Assert.True(states[0].Status == "completed", $"nano: {HostRuns.Describe(states[0])}");
        Assert.True(states[1].Status == "completed", $"academic_discourse: {HostRuns.Describe(states[1])}");
        await AssertOnlyOwnResultsAsync(submitted[0].RunFolder, nano.ExperimentPath, "nano", submitted[1].RunFolder, academic.ExperimentPath, "academic_discourse");
    }

    [Fact]
    public async Task TwoCliRunsInOneProcess_AtTheSameTime_OnOnePrefix_BothComplete()
    {
        // Two in-process `discernus run` invocations: same prefix, same artifact store (one installation).
        var prefix = NewPrefix("clis");
        using var shared = new TempFolder();
        using var nano = PipelineSandbox.Of("nano", RedisEnvironment(prefix), shared.Path);
        using var academic = PipelineSandbox.Of("academic_discourse", RedisEnvironment(prefix), shared.Path);

        var runs = await Task.WhenAll(Task.Run(() => nano.RunAsync()), Task.Run(() => academic.RunAsync()));

        Assert.True(runs[0].ExitCode == 0 && runs[1].ExitCode == 0,
            $"nano exit {runs[0].ExitCode}, state {await StateOfAsync(prefix, runs[0])}\n{runs[0].Output}\n\nacademic_discourse exit {runs[1].ExitCode}, state {await StateOfAsync(prefix, runs[1])}\n{runs[1].Output}");
        await AssertOnlyOwnResultsAsync(runs[0].Folder, runs[0].ExperimentPath, "nano", runs[1].Folder, runs[1].ExperimentPath, "academic_discourse");
    }

    [Fact]
    public async Task Run_EndsWithAnErrorNamingTheKey_WhenTheTaskListHoldsAString()
    {
        var prefix = NewPrefix("fault");
        var key = $"{prefix}tasks";
        await redis.Connections.Database.StringSetAsync(key, "not a list");
        using var sandbox = PipelineSandbox.Of("nano", RedisEnvironment(prefix));

        // RunAsync is bounded (PipelineSandbox.RunLimit): a hang fails the test with a TimeoutException.
        var run = await sandbox.RunAsync();

        Assert.True(run.ExitCode != 0, $"exit 0 despite the coordination fault\n{run.Output}");
        var output = RunFolderChecks.Normalize(run.Output);
        var expected = RunFolderChecks.Normalize(CoordinationFaultException.WrongTypeMessage(key, RedisTypeNames.Of(RedisType.List), RedisTypeNames.Of(RedisType.String)));
        Assert.True(output.Contains(expected, StringComparison.Ordinal), $"the output does not contain \"{expected}\":\n{run.Output}");
        Assert.Equal("not a list", (string?)await redis.Connections.Database.StringGetAsync(key));
    }

    [Fact]
    public async Task CoordinationFault_IsReportedAsAFailedRun_NotAsAnUnhandledException()
    {
        // ARCHITECTURE: a key of the wrong type is reported "instead of the system crashing on it".
        var prefix = NewPrefix("crash");
        await redis.Connections.Database.StringSetAsync($"{prefix}tasks", "not a list");
        using var sandbox = PipelineSandbox.Of("nano", RedisEnvironment(prefix));

        var run = await sandbox.RunAsync();

        Assert.True(run.ExitCode == 4, $"exit {run.ExitCode}, expected 4 (run failed)\n{run.Output}");
        Assert.DoesNotContain("Unhandled exception", run.Output);
        Assert.DoesNotContain("   at Discernus.", run.Output);
    }

    /// <summary>Both runs are complete and verifiable, and each folder holds exactly its own documents' results.</summary>
    private static async Task AssertOnlyOwnResultsAsync(string firstFolder, string firstExperiment, string firstName, string secondFolder, string secondExperiment, string secondName)
    {
        await RunFolderChecks.AssertCompletedRunFolderAsync(firstFolder, firstExperiment, firstName);
        await RunFolderChecks.AssertCompletedRunFolderAsync(secondFolder, secondExperiment, secondName);
        var firstIds = RunFolderChecks.AnalysisResults(firstFolder).Select(r => (string)r["document_id"]!).ToHashSet();
        var secondIds = RunFolderChecks.AnalysisResults(secondFolder).Select(r => (string)r["document_id"]!).ToHashSet();
        Assert.Empty(firstIds.Intersect(secondIds));
        Assert.NotEqual((string)RunFolderChecks.Manifest(firstFolder)["run_id"]!, (string)RunFolderChecks.Manifest(secondFolder)["run_id"]!);
    }

    private async Task<string> StateOfAsync(string prefix, PipelineRun run)
    {
        if (run.RunFolder is null)
        {
            return "(no run folder)";
        }

        var entries = await redis.Connections.Database.HashGetAllAsync($"{prefix}run:{Path.GetFileName(run.RunFolder)}:state");
        return string.Join(", ", entries.Select(e => $"{e.Name}={e.Value}"));
    }
}
