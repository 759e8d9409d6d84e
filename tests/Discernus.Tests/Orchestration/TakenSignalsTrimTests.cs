using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Faults;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// The run's list of taken completion signals (run:{id}:completed) keeps only the newest
/// <see cref="OrchestratorOptions.KeptSignals"/> once older ones are counted: without that it held a signal per task,
/// about 50 MB of the embedded server's memory at 100,000 documents.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class TakenSignalsTrimTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ARunOfManyTasks_KeepsOnlyTheNewestTakenSignals_AndLosesNoResult()
    {
        const int kept = 8;
        const int documents = 80;
        using var root = new TempFolder();
        var experiment = SyntheticExperiment.Create(root.Path, "trimmed", documents);
        var prefix = $"trim-{Guid.NewGuid():N}:";
        var options = redis.HostOptions(root.Path, prefix) with
        {
            Router = new RouterOptions { Concurrency = 3 },
            Orchestrator = new OrchestratorOptions { KeptSignals = kept },
        };
        await using var host = await DiscernusHost.StartAsync(options);
        var keys = new Discernus.Coordination.RedisKeys(prefix);

        var (runId, runFolder) = await HostRuns.SubmitAsync(host, experiment);
        var state = await HostRuns.WaitForFinalStateAsync(host, runId);

        Assert.Equal("completed", state.Status);
        // A trim keeps `kept`; fewer than `kept` more are taken before the next one, plus synthesis and report.
        var taken = await redis.Connections.Database.ListLengthAsync(keys.RunCompleted(runId));
        Assert.InRange(taken, 1, 2 * kept + 2);
        Assert.Equal(documents, FaultCluster.Results(runFolder).Count);
        Assert.True((await RunVerifier.VerifyAsync(runFolder)).Succeeded);
    }
}
