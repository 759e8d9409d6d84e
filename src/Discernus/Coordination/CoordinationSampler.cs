using Discernus.Telemetry;
using Microsoft.Extensions.Logging;

namespace Discernus.Coordination;

/// <summary>
/// Measures the coordination lists for the gauges (queue depth, processing lists, dead list, live workers) every
/// <see cref="Interval"/>, only while a meter provider listens: a gauge callback runs on the exporter's thread and must
/// not wait on Redis, so it reports the latest sample taken here. Every process that samples reports the same shared
/// lists; alert rules take the max over instances. A failed sample (an outage, a key of the wrong type) is skipped and the gauges
/// keep the previous one: outages are the loops' business and /readyz reports them; the audit reports wrong types.
/// </summary>
internal sealed class CoordinationSampler(RedisConnections connections, RedisKeys keys, DiscernusMetrics metrics, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (metrics.GaugesObserved)
                {
                    try
                    {
                        metrics.Observe(await SampleAsync(cancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception ex) when (RedisTransience.IsTransient(ex) || ex is StackExchange.Redis.RedisException)
                    {
                        logger.LogDebug("The coordination gauges were not sampled: {Message}", ex.Message);
                    }
                }

                await Task.Delay(Interval, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async Task<CoordinationSnapshot> SampleAsync(CancellationToken cancellationToken)
    {
        var database = connections.Database;
        var tasks = await database.ListLengthAsync(keys.Tasks).WaitAsync(cancellationToken).ConfigureAwait(false);
        var requests = await database.ListLengthAsync(keys.OrchestratorTasks).WaitAsync(cancellationToken).ConfigureAwait(false);
        var dead = await database.ListLengthAsync(keys.Dead).WaitAsync(cancellationToken).ConfigureAwait(false);
        long processing = 0, lists = 0, workers = 0;
        await foreach (var key in RedisScan.KeysAsync(database, keys.ProcessingPattern, cancellationToken).ConfigureAwait(false))
        {
            var length = await database.ListLengthAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false);
            processing += length;
            lists += length > 0 ? 1 : 0;
        }

        await foreach (var _ in RedisScan.KeysAsync(database, keys.WorkerPattern, cancellationToken).ConfigureAwait(false))
        {
            workers++;
        }

        return new CoordinationSnapshot
        {
            QueuedTasks = tasks,
            QueuedRunRequests = requests,
            ProcessingTasks = processing,
            ProcessingLists = lists,
            DeadTasks = dead,
            LiveWorkers = workers,
        };
    }
}
