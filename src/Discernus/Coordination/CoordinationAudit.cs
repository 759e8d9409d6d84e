using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// Reads every key under the prefix (SCAN, never KEYS) with its type, length and TTL, and summarises the keyspace by
/// kind: queues, processing lists, live workers, runs in flight, task keys, the dead list. It flags what is wrong
/// (keys of the wrong type, keys that should expire and do not, keys the schema does not know, task keys that outlived
/// their run) so that a bad key is reported instead of crashing the system.
/// </summary>
internal sealed class CoordinationAudit
{
    /// <summary>How many of the newest dead-letter entries the report shows.</summary>
    public const int NewestDeadEntries = 5;

    // Commands for this many keys are pipelined at once: fast on 100,000 keys without one huge burst.
    private const int Batch = 1_000;

    // How many runs an anomaly about many runs names before "and N more".
    private const int RunsNamed = 5;

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
        var audited = new List<AuditedKey>(names.Count);
        for (var start = 0; start < names.Count; start += Batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            audited.AddRange(await InspectBatchAsync(database, names.GetRange(start, Math.Min(Batch, names.Count - start))).ConfigureAwait(false));
        }

        var liveWorkers = await ReadWorkersAsync(database, audited).ConfigureAwait(false);
        var states = await ReadRunStatesAsync(database, audited).ConfigureAwait(false);
        var dead = await ReadDeadListAsync(database, audited).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var processing = audited
            .Where(k => k.Kind == RedisKeyKind.Processing && k.Type == "list")
            .Select(k => new AuditedProcessingList { WorkerId = k.Id!, Items = k.Length ?? 0, Orphaned = (k.Length ?? 0) > 0 && !liveWorkers.ContainsKey(k.Id!) })
            .ToList();
        var itemsByWorker = processing.ToDictionary(p => p.WorkerId, p => p.Items, StringComparer.Ordinal);
        var workers = liveWorkers.Values
            .Select(w => w with { ProcessingItems = itemsByWorker.GetValueOrDefault(w.WorkerId) })
            .OrderBy(w => w.WorkerId, StringComparer.Ordinal)
            .ToList();
        var runsInFlight = states.Values
            .Where(s => !RunStatuses.IsFinal(s.Status))
            .Select(s => s with { OrchestratorAlive = s.Orchestrator is { } o ? liveWorkers.ContainsKey(o) : null })
            .OrderBy(s => s.RunId, StringComparer.Ordinal)
            .ToList();

        return new CoordinationAuditReport
        {
            Prefix = _keys.Prefix,
            Server = _connections.Description,
            Keys = audited,
            TasksQueued = LengthOf(audited, RedisKeyKind.Tasks),
            RunRequestsQueued = LengthOf(audited, RedisKeyKind.OrchestratorTasks),
            Processing = processing,
            Workers = workers,
            RunsInFlight = runsInFlight,
            TaskKeys = CountTaskKeys(audited, states),
            Dead = dead,
            Anomalies = FindAnomalies(audited, states),
        };
    }

    private async Task<IEnumerable<AuditedKey>> InspectBatchAsync(IDatabase database, List<string> names)
    {
        // Issued together, the commands are pipelined on the multiplexer rather than paying a round trip each.
        var types = await Task.WhenAll(names.Select(name => database.KeyTypeAsync(name))).ConfigureAwait(false);
        var lengths = await Task.WhenAll(names.Select((name, i) => LengthAsync(database, name, types[i]))).ConfigureAwait(false);
        var ttls = await Task.WhenAll(names.Select(name => database.KeyTimeToLiveAsync(name))).ConfigureAwait(false);

        var audited = new List<AuditedKey>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            if (types[i] == RedisType.None)
            {
                continue; // expired or deleted while we looked
            }

            var schema = _keys.Classify(names[i]);
            var expected = RedisKeys.ExpectedTypeOf(schema.Kind);
            var actualName = RedisTypeNames.Of(types[i]);
            audited.Add(new AuditedKey
            {
                Key = names[i],
                Kind = schema.Kind,
                Id = schema.Id,
                RunId = schema.RunId,
                Type = actualName,
                ExpectedType = expected is { } e ? RedisTypeNames.Of(e) : null,
                Length = lengths[i],
                TimeToLive = ttls[i],
                Problem = expected is { } want && want != types[i]
                    ? CoordinationFaultException.WrongTypeMessage(names[i], RedisTypeNames.Of(want), actualName)
                    : null,
            });
        }

        return audited;
    }

    /// <summary>Live heartbeats by worker id, with host and process from their JSON value.</summary>
    private static async Task<Dictionary<string, AuditedWorker>> ReadWorkersAsync(IDatabase database, List<AuditedKey> audited)
    {
        var keys = audited.Where(k => k.Kind == RedisKeyKind.Worker && k.Problem is null).ToList();
        var values = await Task.WhenAll(keys.Select(k => database.StringGetAsync(k.Key))).ConfigureAwait(false);
        var workers = new Dictionary<string, AuditedWorker>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            if (values[i].IsNull)
            {
                continue; // expired while we looked
            }

            var info = TryRead(values[i].ToString(), CoordinationJsonContext.Default.WorkerHeartbeatInfo);
            workers[keys[i].Id!] = new AuditedWorker
            {
                WorkerId = keys[i].Id!,
                Host = info?.Host,
                ProcessId = info?.ProcessId,
                StartedAt = info?.StartedAt,
                BeatAt = info?.BeatAt,
                ExpiresInSeconds = keys[i].TimeToLive?.TotalSeconds,
            };
        }

        return workers;
    }

    /// <summary>Every run state hash by run id, final or not.</summary>
    private static async Task<Dictionary<string, AuditedRun>> ReadRunStatesAsync(IDatabase database, List<AuditedKey> audited)
    {
        var keys = audited.Where(k => k.Kind == RedisKeyKind.RunState && k.Problem is null).ToList();
        var hashes = await Task.WhenAll(keys.Select(k => database.HashGetAllAsync(k.Key))).ConfigureAwait(false);
        var runs = new Dictionary<string, AuditedRun>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            if (hashes[i].Length == 0)
            {
                continue;
            }

            var fields = hashes[i].ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
            runs[keys[i].Id!] = new AuditedRun
            {
                RunId = keys[i].Id!,
                Status = fields.GetValueOrDefault(RunStateFields.Status),
                Stage = fields.GetValueOrDefault(RunStateFields.Stage),
                Total = Number(fields, RunStateFields.Total),
                Completed = Number(fields, RunStateFields.Completed),
                Failed = Number(fields, RunStateFields.Failed),
                CancelRequested = fields.GetValueOrDefault(RunStateFields.CancelRequested) is "1" or "true",
                Orchestrator = fields.GetValueOrDefault(RunStateFields.Orchestrator) is { Length: > 0 } o ? o : null,
                UpdatedAt = fields.GetValueOrDefault(RunStateFields.UpdatedAt),
                RunFolder = fields.GetValueOrDefault(RunStateFields.RunFolder),
            };
        }

        return runs;
    }

    private async Task<AuditedDeadList> ReadDeadListAsync(IDatabase database, List<AuditedKey> audited)
    {
        var key = audited.FirstOrDefault(k => k.Kind == RedisKeyKind.Dead && k.Problem is null);
        if (key is null)
        {
            return new AuditedDeadList { Length = 0, Newest = [] };
        }

        var newest = await database.ListRangeAsync(_keys.Dead, 0, NewestDeadEntries - 1).ConfigureAwait(false);
        return new AuditedDeadList
        {
            Length = key.Length ?? newest.Length,
            Newest = newest.Select(v => v.ToString()).Select(text => TryRead(text, CoordinationJsonContext.Default.DeadLetterEntry) ?? new DeadLetterEntry
            {
                TaskId = "?",
                Source = "?",
                WorkerId = "?",
                Attempts = 0,
                FailedAt = "?",
                Error = "not a dead-letter record: " + (text.Length > 200 ? text[..200] + "…" : text),
            }).ToList(),
        };
    }

    private static AuditedTaskKeys CountTaskKeys(List<AuditedKey> audited, Dictionary<string, AuditedRun> states)
    {
        long data = 0, attempts = 0, ended = 0, unknown = 0;
        foreach (var key in audited)
        {
            if (key.Kind is not (RedisKeyKind.TaskData or RedisKeyKind.TaskAttempts))
            {
                continue;
            }

            if (key.Kind == RedisKeyKind.TaskData)
            {
                data++;
            }
            else
            {
                attempts++;
            }

            switch (RunOf(key, states))
            {
                case RunStanding.Ended:
                    ended++;
                    break;
                case RunStanding.Unknown:
                    unknown++;
                    break;
            }
        }

        return new AuditedTaskKeys { Data = data, Attempts = attempts, OfEndedRuns = ended, OfUnknownRuns = unknown };
    }

    private List<CoordinationAnomaly> FindAnomalies(List<AuditedKey> audited, Dictionary<string, AuditedRun> states)
    {
        var anomalies = new List<CoordinationAnomaly>();
        foreach (var fault in audited.Where(k => k.Problem is not null))
        {
            anomalies.Add(new CoordinationAnomaly { Kind = CoordinationAnomalyKind.WrongType, Count = 1, Message = fault.Problem!, Keys = [fault.Key] });
        }

        var sound = audited.Where(k => k.Problem is null).ToList();
        var taskKeysWithoutTtl = sound.Where(k => k.Kind is RedisKeyKind.TaskData or RedisKeyKind.TaskAttempts && k.TimeToLive is null).Select(k => k.Key).ToList();
        if (taskKeysWithoutTtl.Count > 0)
        {
            anomalies.Add(new CoordinationAnomaly
            {
                Kind = CoordinationAnomalyKind.MissingTtl,
                Count = taskKeysWithoutTtl.Count,
                Message = Invariant($"{taskKeysWithoutTtl.Count:N0} task key(s) have no TTL and never expire (task keys are written with one and deleted with their ack). Fix: EXPIRE or DEL them, or `discernus debug --reset` when no run is in flight."),
                Keys = taskKeysWithoutTtl,
            });
        }

        var heartbeatsWithoutTtl = sound.Where(k => k.Kind == RedisKeyKind.Worker && k.TimeToLive is null).Select(k => k.Key).ToList();
        if (heartbeatsWithoutTtl.Count > 0)
        {
            anomalies.Add(new CoordinationAnomaly
            {
                Kind = CoordinationAnomalyKind.MissingTtl,
                Count = heartbeatsWithoutTtl.Count,
                Message = Invariant($"{heartbeatsWithoutTtl.Count:N0} heartbeat(s) have no TTL: their worker looks alive for ever and its claimed tasks are never recovered. Fix: DEL the key(s) of workers that are gone."),
                Keys = heartbeatsWithoutTtl,
            });
        }

        var runKeysWithoutTtl = sound
            .Where(k => k.Kind is RedisKeyKind.RunState or RedisKeyKind.RunDone or RedisKeyKind.RunCompleted or RedisKeyKind.RunCalls && k.TimeToLive is null
                        && RunOf(k, states) is RunStanding.Ended or RunStanding.Unknown)
            .Select(k => k.Key)
            .ToList();
        if (runKeysWithoutTtl.Count > 0)
        {
            anomalies.Add(new CoordinationAnomaly
            {
                Kind = CoordinationAnomalyKind.MissingTtl,
                Count = runKeysWithoutTtl.Count,
                Message = Invariant($"{runKeysWithoutTtl.Count:N0} key(s) of runs that ended (or have no state) have no TTL and are kept for ever; an ended run's keys are set to expire. Fix: EXPIRE or DEL them, or `discernus debug --reset` when no run is in flight."),
                Keys = runKeysWithoutTtl,
            });
        }

        var unknown = audited.Where(k => k.Kind == RedisKeyKind.Unknown).Select(k => k.Key).ToList();
        if (unknown.Count > 0)
        {
            anomalies.Add(new CoordinationAnomaly
            {
                Kind = CoordinationAnomalyKind.NotInSchema,
                Count = unknown.Count,
                Message = Invariant($"{unknown.Count:N0} key(s) under the prefix '{_keys.Prefix}' are not part of the Discernus schema (another program shares the prefix, or another version left them). Discernus ignores them; give each installation its own {RedisKeys.PrefixEnvironmentVariable}."),
                Keys = unknown,
            });
        }

        var taskKeys = sound.Where(k => k.Kind is RedisKeyKind.TaskData or RedisKeyKind.TaskAttempts).ToList();
        var leftovers = taskKeys.Where(k => RunOf(k, states) == RunStanding.Ended).ToList();
        if (leftovers.Count > 0)
        {
            var runs = leftovers.GroupBy(k => k.RunId!, StringComparer.Ordinal)
                .Select(g => (RunId: g.Key, Keys: g.Count()))
                .OrderByDescending(r => r.Keys).ThenBy(r => r.RunId, StringComparer.Ordinal)
                .ToList();
            var shown = string.Join(", ", runs.Take(RunsNamed).Select(r => Invariant($"{r.RunId} ({states[r.RunId].Status}) {r.Keys:N0}")));
            var more = runs.Count > RunsNamed ? Invariant($" and {runs.Count - RunsNamed:N0} more") : "";
            anomalies.Add(new CoordinationAnomaly
            {
                Kind = CoordinationAnomalyKind.TaskKeysOfEndedRun,
                Count = leftovers.Count,
                Message = Invariant($"{leftovers.Count:N0} task key(s) of {runs.Count:N0} run(s) that ended: {shown}{more}. A settled task's keys are deleted with its ack, so these were left behind; they expire with their TTL, and `discernus debug --reset` deletes them now."),
                Keys = leftovers.Select(k => k.Key).ToList(),
            });
        }

        var orphanedTaskKeys = taskKeys.Where(k => RunOf(k, states) == RunStanding.Unknown).ToList();
        if (orphanedTaskKeys.Count > 0)
        {
            var runs = orphanedTaskKeys.Select(k => k.RunId ?? "?").Distinct(StringComparer.Ordinal).Count();
            anomalies.Add(new CoordinationAnomaly
            {
                Kind = CoordinationAnomalyKind.TaskKeysOfUnknownRun,
                Count = orphanedTaskKeys.Count,
                Message = Invariant($"{orphanedTaskKeys.Count:N0} task key(s) of {runs:N0} run(s) that have no state (it expired or was deleted): no Orchestrator reads their results. They expire with their TTL; `discernus debug --reset` deletes them now."),
                Keys = orphanedTaskKeys.Select(k => k.Key).ToList(),
            });
        }

        return anomalies;
    }

    private static RunStanding RunOf(AuditedKey key, Dictionary<string, AuditedRun> states) =>
        key.RunId is not { } runId || !states.TryGetValue(runId, out var state) ? RunStanding.Unknown
        : RunStatuses.IsFinal(state.Status) ? RunStanding.Ended
        : RunStanding.Active;

    private static long LengthOf(List<AuditedKey> audited, RedisKeyKind kind) =>
        audited.FirstOrDefault(k => k.Kind == kind && k.Problem is null)?.Length ?? 0;

    private static T? TryRead<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException)
        {
            return null; // shown as unreadable, not a crash: the audit exists to look at broken keyspaces
        }
    }

    private static int? Number(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static async Task<long?> LengthAsync(IDatabase database, string key, RedisType type) => type switch
    {
        RedisType.List => await database.ListLengthAsync(key).ConfigureAwait(false),
        RedisType.Hash => await database.HashLengthAsync(key).ConfigureAwait(false),
        RedisType.String => await database.StringLengthAsync(key).ConfigureAwait(false),
        RedisType.Set => await database.SetLengthAsync(key).ConfigureAwait(false),
        RedisType.SortedSet => await database.SortedSetLengthAsync(key).ConfigureAwait(false),
        _ => null,
    };

    private enum RunStanding
    {
        Active,
        Ended,
        Unknown,
    }
}
