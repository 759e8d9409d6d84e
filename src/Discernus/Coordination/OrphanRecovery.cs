using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// Returns the claims of dead workers: every processing:{worker} list whose worker:{worker} heartbeat has expired
/// is moved back, item by item with LMOVE, to the list it came from. Task ids ({run}:{type}:{n}) go back to
/// <c>tasks</c>; anything else is a run id and goes back to <c>orchestrator.tasks</c>.
/// </summary>
internal sealed class OrphanRecovery
{
    private readonly RedisConnections _connections;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;
    private readonly KeyTypeGuard _guard;

    private readonly Telemetry.DiscernusMetrics? _metrics;

    public OrphanRecovery(RedisConnections connections, RedisKeys keys, ILogger? logger = null, Telemetry.DiscernusMetrics? metrics = null)
    {
        _metrics = metrics;
        _connections = connections;
        _keys = keys;
        _logger = logger ?? NullLogger.Instance;
        _guard = new KeyTypeGuard(connections.Database);
    }

    public string DestinationFor(string item) => TaskIds.TryParse(item, out _) ? _keys.Tasks : _keys.OrchestratorTasks;

    /// <summary>Moves the items of every orphaned processing list back; returns how many it moved.</summary>
    public async Task<int> RequeueOrphansAsync(CancellationToken cancellationToken = default)
    {
        var database = _connections.Database;
        var moved = 0;
        await foreach (var key in RedisScan.KeysAsync(database, _keys.ProcessingPattern, cancellationToken).ConfigureAwait(false))
        {
            if (!_keys.TryGetProcessingWorker(key, out var workerId))
            {
                continue;
            }

            var heartbeat = _keys.Worker(workerId);
            var beat = await database.StringGetAsync(heartbeat).ConfigureAwait(false);
            if (!beat.IsNull)
            {
                if (!IsProcessGoneFromThisMachine(beat.ToString()))
                {
                    continue;
                }

                // Its heartbeat has not expired yet, but its process is provably gone: no need to wait for the TTL.
                await database.KeyDeleteAsync(heartbeat).ConfigureAwait(false);
                _logger.LogInformation("Worker {WorkerId} ran in a process of this machine that is gone; its heartbeat is cleared", workerId);
            }

            var type = await database.KeyTypeAsync(key).ConfigureAwait(false);
            if (type == RedisType.None)
            {
                continue;
            }

            if (type != RedisType.List)
            {
                throw CoordinationFaultException.WrongType(key, RedisType.List, type);
            }

            var count = await DrainAsync(database, key, heartbeat, cancellationToken).ConfigureAwait(false);
            if (count > 0)
            {
                _logger.LogWarning("Worker {WorkerId} stopped beating; requeued {Count} task(s) from {Processing}", workerId, count, key);
            }

            moved += count;
        }

        return moved;
    }

    /// <summary>
    /// A heartbeat written by a process of this machine that no longer runs (killed, crashed). Machine names are
    /// assumed unique among the hosts sharing one Redis; where they are not, a live worker's task may be handed out
    /// twice, which the conditional settles absorb (its late result is discarded).
    /// </summary>
    private static bool IsProcessGoneFromThisMachine(string heartbeatJson)
    {
        WorkerHeartbeatInfo? info;
        try
        {
            info = System.Text.Json.JsonSerializer.Deserialize(heartbeatJson, CoordinationJsonContext.Default.WorkerHeartbeatInfo);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }

        if (info is null || info.Host != Environment.MachineName || info.ProcessId == Environment.ProcessId)
        {
            return false;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(info.ProcessId);
            if (process.HasExited)
            {
                return true;
            }

            // A reused pid: the process now holding it started after the heartbeat's worker did.
            return DateTimeOffset.TryParse(info.StartedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var started)
                && process.StartTime.ToUniversalTime() > started.UtcDateTime;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return true;
        }
    }

    private async Task<int> DrainAsync(IDatabase database, string processing, string heartbeat, CancellationToken cancellationToken)
    {
        var moved = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var newest = await database.ListGetByIndexAsync(processing, 0).ConfigureAwait(false);
            if (newest.IsNull)
            {
                return moved;
            }

            var destination = DestinationFor(newest.ToString());
            await _guard.EnsureAsync(destination, RedisType.List, cancellationToken).ConfigureAwait(false);

            // Only if the item is still the one we looked at and the worker did not come back meanwhile.
            var transaction = database.CreateTransaction();
            transaction.AddCondition(Condition.ListIndexEqual(processing, 0, newest));
            transaction.AddCondition(Condition.KeyNotExists(heartbeat));
            var move = transaction.ListMoveAsync(processing, destination, ListSide.Left, ListSide.Right);
            bool committed;
            try
            {
                committed = await transaction.ExecuteAsync().ConfigureAwait(false);
                if (committed)
                {
                    await move.ConfigureAwait(false);
                }
            }
            catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
            {
                throw await _guard.FaultAsync(ex, (processing, RedisType.List), (destination, RedisType.List)).ConfigureAwait(false);
            }

            if (committed)
            {
                moved++;
                if (TaskIds.TryParse(newest.ToString(), out var parts))
                {
                    _metrics?.TaskRequeued(parts.TaskType);
                }
            }
            else if (await database.KeyExistsAsync(heartbeat).ConfigureAwait(false))
            {
                return moved;
            }
        }
    }
}
