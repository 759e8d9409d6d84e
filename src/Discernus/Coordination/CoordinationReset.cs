using System.Text.Json;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// Deletes every key under the prefix, found with SCAN (never KEYS, never FLUSHDB: other data in the same database
/// stays). Refuses while work is in flight unless forced: a run whose state is not final and whose Orchestrator's
/// heartbeat is alive, or a live worker holding claimed items.
/// </summary>
internal sealed class CoordinationReset
{
    private const int Batch = 1_000;

    /// <summary>
    /// How long the reset marker lives. The deletion is not atomic (SCAN, then batches): a worker may claim an id whose
    /// contract is already gone, and the run's Orchestrator may rebuild the run meanwhile; the marker tells the claimer
    /// such a claim was wiped by the reset, not pushed without its contract.
    /// </summary>
    public static readonly TimeSpan MarkerLifetime = TimeSpan.FromMinutes(10);

    private readonly RedisConnections _connections;
    private readonly RedisKeys _keys;

    public CoordinationReset(RedisConnections connections, RedisKeys keys)
    {
        _connections = connections;
        _keys = keys;
    }

    public async Task<CoordinationResetResult> ResetAsync(bool force, CancellationToken cancellationToken = default)
    {
        var database = _connections.Database;
        var names = new List<(string Key, SchemaKey Schema)>();
        await foreach (var key in RedisScan.KeysAsync(database, _keys.AllKeysPattern, cancellationToken).ConfigureAwait(false))
        {
            // The pattern escapes the prefix's glob characters; checking again costs nothing and keeps a reset to its prefix.
            if (key.StartsWith(_keys.Prefix, StringComparison.Ordinal) && key != _keys.Reset)
            {
                names.Add((key, _keys.Classify(key)));
            }
        }

        var (inFlight, abandoned, busy) = await FindWorkAsync(database, names).ConfigureAwait(false);
        var result = new CoordinationResetResult
        {
            Prefix = _keys.Prefix,
            Server = _connections.Description,
            Refused = !force && (inFlight.Count > 0 || busy.Count > 0),
            RunsInFlight = inFlight,
            BusyWorkers = busy,
            AbandonedRuns = abandoned,
        };
        if (result.Refused)
        {
            return result;
        }

        await database.StringSetAsync(_keys.Reset, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), MarkerLifetime).ConfigureAwait(false);
        var deleted = new Dictionary<RedisKeyKind, long>();
        for (var start = 0; start < names.Count; start += Batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = names.GetRange(start, Math.Min(Batch, names.Count - start));
            var done = await Task.WhenAll(batch.Select(n => database.KeyDeleteAsync(n.Key))).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                if (done[i])
                {
                    deleted[batch[i].Schema.Kind] = deleted.GetValueOrDefault(batch[i].Schema.Kind) + 1;
                }
            }
        }

        return result with { Deleted = deleted };
    }

    private async Task<(List<AuditedRun> InFlight, List<AuditedRun> Abandoned, List<AuditedWorker> Busy)> FindWorkAsync(
        IDatabase database, List<(string Key, SchemaKey Schema)> names)
    {
        var workerKeys = names.Where(n => n.Schema.Kind == RedisKeyKind.Worker).ToList();
        var beats = await Task.WhenAll(workerKeys.Select(n => ReadAsync(database, n.Key))).ConfigureAwait(false);
        var alive = new Dictionary<string, WorkerHeartbeatInfo?>(StringComparer.Ordinal);
        for (var i = 0; i < workerKeys.Count; i++)
        {
            if (beats[i].Exists)
            {
                alive[workerKeys[i].Schema.Id!] = beats[i].Info;
            }
        }

        var stateKeys = names.Where(n => n.Schema.Kind == RedisKeyKind.RunState).ToList();
        var states = await Task.WhenAll(stateKeys.Select(n => ReadStateAsync(database, n.Key))).ConfigureAwait(false);
        var inFlight = new List<AuditedRun>();
        var abandoned = new List<AuditedRun>();
        for (var i = 0; i < stateKeys.Count; i++)
        {
            var (status, stage, orchestrator, folder) = states[i];
            if (status is null && orchestrator is null || RunStatuses.IsFinal(status))
            {
                continue;
            }

            var live = orchestrator is not null && alive.ContainsKey(orchestrator);
            var run = new AuditedRun
            {
                RunId = stateKeys[i].Schema.Id!,
                Status = status,
                Stage = stage,
                Orchestrator = orchestrator,
                OrchestratorAlive = orchestrator is null ? null : live,
                RunFolder = folder,
            };
            (live ? inFlight : abandoned).Add(run);
        }

        var processing = names.Where(n => n.Schema.Kind == RedisKeyKind.Processing && alive.ContainsKey(n.Schema.Id!)).ToList();
        var lengths = await Task.WhenAll(processing.Select(n => LengthAsync(database, n.Key))).ConfigureAwait(false);
        var busy = new List<AuditedWorker>();
        for (var i = 0; i < processing.Count; i++)
        {
            if (lengths[i] > 0)
            {
                var info = alive[processing[i].Schema.Id!];
                busy.Add(new AuditedWorker
                {
                    WorkerId = processing[i].Schema.Id!,
                    Host = info?.Host,
                    ProcessId = info?.ProcessId,
                    StartedAt = info?.StartedAt,
                    BeatAt = info?.BeatAt,
                    ProcessingItems = lengths[i],
                });
            }
        }

        return (
            inFlight.OrderBy(r => r.RunId, StringComparer.Ordinal).ToList(),
            abandoned.OrderBy(r => r.RunId, StringComparer.Ordinal).ToList(),
            busy.OrderBy(w => w.WorkerId, StringComparer.Ordinal).ToList());
    }

    private static async Task<(bool Exists, WorkerHeartbeatInfo? Info)> ReadAsync(IDatabase database, string key)
    {
        if (await database.KeyTypeAsync(key).ConfigureAwait(false) != RedisType.String)
        {
            // A heartbeat of the wrong type proves nothing is alive; the reset deletes it with the rest.
            return (false, null);
        }

        var value = await database.StringGetAsync(key).ConfigureAwait(false);
        if (value.IsNull)
        {
            return (false, null);
        }

        try
        {
            return (true, JsonSerializer.Deserialize(value.ToString(), CoordinationJsonContext.Default.WorkerHeartbeatInfo));
        }
        catch (JsonException)
        {
            return (true, null); // alive all the same: only the key's existence counts
        }
    }

    private static async Task<(string? Status, string? Stage, string? Orchestrator, string? RunFolder)> ReadStateAsync(IDatabase database, string key)
    {
        if (await database.KeyTypeAsync(key).ConfigureAwait(false) != RedisType.Hash)
        {
            return (null, null, null, null);
        }

        var values = await database.HashGetAsync(key, [RunStateFields.Status, RunStateFields.Stage, RunStateFields.Orchestrator, RunStateFields.RunFolder]).ConfigureAwait(false);
        string? Text(int i) => values[i].IsNullOrEmpty ? null : values[i].ToString();
        return (Text(0), Text(1), Text(2), Text(3));
    }

    private static async Task<long> LengthAsync(IDatabase database, string key) =>
        await database.KeyTypeAsync(key).ConfigureAwait(false) == RedisType.List ? await database.ListLengthAsync(key).ConfigureAwait(false) : 0;
}
