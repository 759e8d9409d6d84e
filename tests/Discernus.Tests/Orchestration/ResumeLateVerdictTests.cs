using Discernus.Agents;
using Discernus.Coordination;
using Discernus.Orchestration;
using Discernus.Orchestration.Stages;
using Discernus.Provenance;
using Discernus.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// A resumed run meets late verdicts from its earlier execution: a worker that gave up on that execution's model outage
/// reports it after this execution has planned its tasks. Such a verdict is no verdict on the endpoint now; the task is
/// queued again once, unless a copy of it is still to come (queued, claimed, or waiting in this execution's plan): a
/// second copy of its id found no contract once the first was settled (two tasks dead-listed in WorldFaultTests).
/// These drive <see cref="StageTasks"/> signal by signal against redis-server, in the orders the race can take.
/// </summary>
public sealed class ResumeLateVerdictTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    private const int Documents = 6;
    private readonly TempFolder _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task ALateVerdict_ForATaskStillToCome_OrStillQueued_IsConsumed_AndForOneSettledSinceIsQueuedOnce()
    {
        var harness = await StageHarness.CreateAsync(_root.Path, Documents);
        var keys = new RedisKeys($"late-{Guid.NewGuid():N}:");
        await using var queue = RedisTaskQueue.ForTasks(redis.Connections, keys);
        var resilience = new CoordinationResilience("redis-server");
        var state = new RunStateWriter(new RunStateStore(redis.Connections, keys), resilience, new OrchestratorOptions(), NullLogger.Instance);
        var tasks = harness.Tasks;

        // The earlier execution left the first task queued; this execution plans the rest, two queued at a time.
        await queue.EnqueueManyAsync([(tasks[0].TaskId, tasks[0].Contract(null))]);
        var prior = new PriorExecution([], [], [], []);
        var stage = new StageTasks(new StageRequest(harness.Run, StageNames.BatchAnalysis, TaskPlan.Of(tasks), (_, _) => Task.CompletedTask, prior.Succeeded, prior),
            traceparent: null, queue, resilience, outage: null!, state, metrics: null, queueWindow: 2, CancellationToken.None);
        await stage.CountRecordedAsync();
        await stage.TopUpAsync();
        Assert.Equal([tasks[0].TaskId, tasks[1].TaskId], await QueuedAsync(keys));

        // Still to come in this execution's plan, and still queued from the earlier one: consumed, nothing queued.
        await stage.CountAsync(GaveUp(tasks[4]));
        await stage.CountAsync(GaveUp(tasks[0]));
        Assert.Equal([tasks[0].TaskId, tasks[1].TaskId], await QueuedAsync(keys));
        Assert.Equal((Documents, 0), (stage.Pending, stage.Failed));

        // Settled since (its contract gone) and not to come again: queued once more.
        await redis.Connections.Database.KeyDeleteAsync(keys.TaskData(tasks[1].TaskId));
        await redis.Connections.Database.ListRemoveAsync(keys.Tasks, tasks[1].TaskId);
        await stage.CountAsync(GaveUp(tasks[1]));
        Assert.Equal([tasks[0].TaskId, tasks[1].TaskId], await QueuedAsync(keys));
        Assert.Equal(Documents, stage.Pending);

        // A second give-up of that task is this execution's own verdict: the run stops, it is never left pending.
        var stopped = await Assert.ThrowsAsync<RunFailedException>(() => stage.CountAsync(GaveUp(tasks[1])));
        Assert.Contains("the provider is away", stopped.Message);

        var log = harness.Log();
        Assert.Contains($"{tasks[4].TaskId}, left unfinished by an earlier execution, gave up on an earlier outage (the provider is away); already queued again", log);
        Assert.Contains($"{tasks[1].TaskId}, left unfinished by an earlier execution, gave up on an earlier outage (the provider is away); queued again", log);
    }

    private static CompletionSignal GaveUp(PlannedTask task) => new()
    {
        TaskId = task.TaskId,
        Status = CompletionStatus.Failed,
        Error = AgentOutcome.StopRunMarker + "the provider is away",
    };

    /// <summary>The task ids in the queue, oldest first.</summary>
    private async Task<List<string>> QueuedAsync(RedisKeys keys) =>
        [.. (await redis.Connections.Database.ListRangeAsync(keys.Tasks)).Select(v => (string)v!).Reverse()];
}
