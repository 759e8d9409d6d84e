using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// Lists every key under the prefix with its type, length and TTL, and flags keys whose type contradicts the schema,
/// so a wrong key is reported instead of crashing the system.
/// </summary>
internal sealed class CoordinationAudit
{
    private readonly RedisConnections _connections;
    private readonly RedisKeys _keys;

    public CoordinationAudit(RedisConnections connections, RedisKeys keys)
    {
        _connections = connections;
        _keys = keys;
    }

    public async Task<CoordinationAuditReport> InspectAsync(CancellationToken cancellationToken = default)
    {
        var database = _connections.Database;
        var names = new List<string>();
        await foreach (var key in RedisScan.KeysAsync(database, _keys.AllKeysPattern, cancellationToken).ConfigureAwait(false))
        {
            names.Add(key);
        }

        names.Sort(StringComparer.Ordinal);

        // Issued together, the commands are pipelined on the multiplexer rather than paying a round trip each.
        var types = await Task.WhenAll(names.Select(name => database.KeyTypeAsync(name))).ConfigureAwait(false);
        var lengths = await Task.WhenAll(names.Select((name, i) => LengthAsync(database, name, types[i]))).ConfigureAwait(false);
        var ttls = await Task.WhenAll(names.Select(name => database.KeyTimeToLiveAsync(name))).ConfigureAwait(false);

        var audited = new List<AuditedKey>();
        for (var i = 0; i < names.Count; i++)
        {
            if (types[i] == RedisType.None)
            {
                continue; // expired or deleted while we looked
            }

            var expected = _keys.ExpectedTypeOf(names[i]);
            var actualName = RedisTypeNames.Of(types[i]);
            audited.Add(new AuditedKey
            {
                Key = names[i],
                Type = actualName,
                ExpectedType = expected is { } e ? RedisTypeNames.Of(e) : null,
                Length = lengths[i],
                TimeToLive = ttls[i],
                Problem = expected is { } want && want != types[i]
                    ? CoordinationFaultException.WrongTypeMessage(names[i], RedisTypeNames.Of(want), actualName)
                    : null,
            });
        }

        var liveWorkers = new List<string>();
        var orphaned = new List<string>();
        var workerHead = _keys.Prefix + "worker:";
        foreach (var key in audited)
        {
            if (key.Key.StartsWith(workerHead, StringComparison.Ordinal) && key.Type == "string")
            {
                liveWorkers.Add(key.Key[workerHead.Length..]);
            }
        }

        foreach (var key in audited)
        {
            if (_keys.TryGetProcessingWorker(key.Key, out var workerId) && key.Type == "list" && key.Length > 0 && !liveWorkers.Contains(workerId))
            {
                orphaned.Add(workerId);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new CoordinationAuditReport
        {
            Prefix = _keys.Prefix,
            Server = _connections.Description,
            Keys = audited,
            LiveWorkers = liveWorkers,
            OrphanedWorkers = orphaned,
        };
    }

    private static async Task<long?> LengthAsync(IDatabase database, string key, RedisType type) => type switch
    {
        RedisType.List => await database.ListLengthAsync(key).ConfigureAwait(false),
        RedisType.Hash => await database.HashLengthAsync(key).ConfigureAwait(false),
        RedisType.String => await database.StringLengthAsync(key).ConfigureAwait(false),
        RedisType.Set => await database.SetLengthAsync(key).ConfigureAwait(false),
        RedisType.SortedSet => await database.SortedSetLengthAsync(key).ConfigureAwait(false),
        _ => null,
    };
}
