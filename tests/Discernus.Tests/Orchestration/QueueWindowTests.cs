using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Faults;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// A stage queues at most <see cref="OrchestratorOptions.QueueWindow"/> tasks at a time and refills the window as
/// tasks finish: Redis holds a bounded number of contracts whatever the corpus size, and nothing is lost on the way.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class QueueWindowTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ABatchLargerThanTheWindow_NeverHasMoreThanTheWindowQueuedOrClaimed_AndCompletes()
    {
        const int window = 6;
        const int documents = 60;
        using var root = new TempFolder();
        var experiment = SyntheticExperiment.Create(root.Path, "windowed", documents);
        var prefix = $"window-{Guid.NewGuid():N}:";
        var options = redis.HostOptions(root.Path, prefix) with
        {
            Router = new RouterOptions { Concurrency = 3 },
            Orchestrator = new OrchestratorOptions { QueueWindow = window },
        };
        await using var host = await DiscernusHost.StartAsync(options);
        var keys = new Discernus.Coordination.RedisKeys(prefix);
        var db = redis.Connections.Database;

        var (runId, runFolder) = await HostRuns.SubmitAsync(host, experiment);
        var most = 0L;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                // Queued ids plus the contracts of claimed ones: everything of the run that Redis holds.
                var queued = await db.ListLengthAsync(keys.Tasks);
                var contracts = 0L;
                await foreach (var key in Discernus.Coordination.RedisScan.KeysAsync(db, keys.Prefix + "task:" + runId + ":analyse_document:*"))
                {
                    contracts += key.EndsWith(":data", StringComparison.Ordinal) ? 1 : 0;
                }

                most = Math.Max(most, Math.Max(queued, contracts));
                await Task.Delay(5);
            }
        });
        var state = await HostRuns.WaitForFinalStateAsync(host, runId);
        await watching.CancelAsync();
        await watcher;

        Assert.Equal("completed", state.Status);
        Assert.InRange(most, 1, window);
        Assert.Equal(documents, FaultCluster.Results(runFolder).Count);
        Assert.True((await RunVerifier.VerifyAsync(runFolder)).Succeeded);
    }
}
