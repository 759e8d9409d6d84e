using System.Diagnostics.Metrics;
using Discernus.Coordination;
using Discernus.Telemetry;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Telemetry;

/// <summary>The queue-side counters, against a real redis-server: each dead-lettering and each orphan returned counts once.</summary>
public sealed class QueueMetricsTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ADeadLetteredTask_CountsOnce_WithItsTaskType_EvenWhenTheSettleIsRepeated()
    {
        var keys = new RedisKeys($"metrics-{Guid.NewGuid():N}:");
        using var metrics = new DiscernusMetrics();
        using var seen = Listen(metrics);
        await using var queue = RedisTaskQueue.ForTasks(redis.Connections, keys, metrics: metrics);
        var taskId = TaskIds.Build("20261206T000000Z-abc123", TaskTypes.AnalyseDocument, 1);
        await queue.EnqueueAsync(taskId, "{}");
        var claimed = await queue.ClaimAsync("w-1", TimeSpan.Zero) ?? throw new InvalidOperationException("nothing claimed");

        Assert.Equal(SettleOutcome.Applied, await claimed.DeadLetterAsync("always fails"));

        // The same settle again, as a retry after a lost reply sends it: the script finds nothing to move.
        Assert.Equal(SettleOutcome.NotOwned, await queue.DeadLetterCoreAsync(taskId, "w-1", claimed.RunId, 1, "always fails", CancellationToken.None));

        Assert.Equal(1, seen.Sum("discernus.tasks.dead_lettered", TaskTypes.AnalyseDocument));
    }

    [Fact]
    public async Task OrphansOfAWorkerWithoutHeartbeat_CountAsRequeued()
    {
        var keys = new RedisKeys($"metrics-{Guid.NewGuid():N}:");
        using var metrics = new DiscernusMetrics();
        using var seen = Listen(metrics);
        await using var queue = RedisTaskQueue.ForTasks(redis.Connections, keys);
        for (var n = 1; n <= 2; n++)
        {
            await queue.EnqueueAsync(TaskIds.Build("20261206T000000Z-abc123", TaskTypes.AnalyseDocument, n), "{}");
        }

        // Claimed by a worker that never beat (as if it died at once): its list is an orphan.
        Assert.NotNull(await queue.ClaimAsync("gone", TimeSpan.Zero));
        Assert.NotNull(await queue.ClaimAsync("gone", TimeSpan.Zero));

        Assert.Equal(2, await new OrphanRecovery(redis.Connections, keys, metrics: metrics).RequeueOrphansAsync());
        Assert.Equal(2, seen.Sum("discernus.tasks.requeued", TaskTypes.AnalyseDocument));
    }

    private static Recorded Listen(DiscernusMetrics metrics)
    {
        var recorded = new Recorded();
        recorded.Listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        recorded.Listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == DiscernusMetrics.TaskTypeAttribute)
                {
                    recorded.Add(instrument.Name, tag.Value?.ToString(), value);
                }
            }
        });
        recorded.Listener.Start();
        return recorded;
    }

    private sealed class Recorded : IDisposable
    {
        private readonly List<(string Name, string? TaskType, long Value)> _values = [];

        public MeterListener Listener { get; } = new();

        public void Add(string name, string? taskType, long value)
        {
            lock (_values)
            {
                _values.Add((name, taskType, value));
            }
        }

        public long Sum(string name, string taskType)
        {
            lock (_values)
            {
                return _values.Where(v => v.Name == name && v.TaskType == taskType).Sum(v => v.Value);
            }
        }

        public void Dispose() => Listener.Dispose();
    }
}
