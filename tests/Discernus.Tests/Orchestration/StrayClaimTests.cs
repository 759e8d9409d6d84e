using Discernus.Coordination;
using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Faults;
using Discernus.Tests.Infrastructure;
using StackExchange.Redis;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// A task that lands in a live worker's processing list without the worker knowing (a BLMOVE the server carried out
/// after the client had given up on it: a reply later than the client's timeout on a loaded machine) is not lost:
/// the worker returns it to the queue the next time it finds the queue empty, and the run completes. Before, only a
/// worker's start or a Redis failure made it look; its heartbeat kept OrphanRecovery away, and the run stalled.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class StrayClaimTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task TaskMovedIntoABusyWorkersProcessingList_BehindItsBack_IsRunAndTheRunCompletes()
    {
        const int documents = 6;
        using var root = new TempFolder();
        var experiment = SyntheticExperiment.Create(root.Path, "stray", documents);
        var prefix = $"stray-{Guid.NewGuid():N}:";
        var keys = new RedisKeys(prefix);
        var db = redis.Connections.Database;
        HostOptions Options(bool orchestrator) => new()
        {
            RedisUrl = $"redis://127.0.0.1:{redis.Port}",
            KeyPrefix = prefix,
            RunOrchestrator = orchestrator,
            RunWorkers = !orchestrator,
            Settings = DiscernusSettings.Defaults,
            ArtifactsDirectory = Path.Combine(root.Path, "artifacts"),
            Router = new RouterOptions { Concurrency = 1, WorkerIdPrefix = "stray" },
            Orchestrator = new OrchestratorOptions { StallTimeout = TimeSpan.FromSeconds(20) },
        };

        await using var orchestrator = await DiscernusHost.StartAsync(Options(orchestrator: true));
        var (runId, runFolder) = await HostRuns.SubmitAsync(orchestrator, experiment);
        await Until(async () => await db.ListLengthAsync(keys.Tasks) == documents, "the run's tasks are queued");

        // One task is held back, then put where a late BLMOVE would have put it: into the processing list of a worker
        // loop that is alive, beating, and has already found the queue empty.
        var held = keys.Prefix + "test:held";
        var stray = (string)(await db.ListMoveAsync(keys.Tasks, held, ListSide.Right, ListSide.Left))!;
        await using var worker = await DiscernusHost.StartAsync(Options(orchestrator: false));
        var processing = keys.Processing("stray-1");
        await Until(async () => await db.ListLengthAsync(keys.Tasks) == 0 && await db.ListLengthAsync(processing) == 0, "the other tasks are done");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await db.ListMoveAsync(held, processing, ListSide.Right, ListSide.Left);
        Assert.True(await db.KeyExistsAsync(keys.Worker("stray-1")), "the worker loop is alive: OrphanRecovery leaves its claims alone");

        var state = await HostRuns.WaitForFinalStateAsync(orchestrator, runId);

        Assert.True(state.Status == RunStatus.Completed, $"run ended {state.Status}: {state.Error}");
        Assert.Equal(documents, FaultCluster.Results(runFolder).Select(r => r.CorpusDocumentId).Distinct().Count());
        Assert.Equal(0, await db.ListLengthAsync(processing));
        Assert.False(string.IsNullOrEmpty(stray));
    }

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            try
            {
                await Task.Delay(50, limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"waited 60 s for this, in vain: {what}");
            }
        }
    }
}
