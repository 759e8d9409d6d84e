using System.Globalization;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// run:{run_id}:state: the hash the Orchestrator writes and `discernus status` reads (stage, counts, status,
/// cancel flag). Every write also stamps updated_at.
/// </summary>
internal sealed class RunStateStore
{
    private readonly RedisConnections _connections;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _time;
    private readonly KeyTypeGuard _guard;

    public RunStateStore(RedisConnections connections, RedisKeys keys, TimeProvider? timeProvider = null)
    {
        _connections = connections;
        _keys = keys;
        _time = timeProvider ?? TimeProvider.System;
        _guard = new KeyTypeGuard(connections.Database);
    }

    public async Task SetAsync(string runId, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var key = _keys.RunState(runId);
        await _guard.EnsureAsync(key, RedisType.Hash, cancellationToken).ConfigureAwait(false);
        var entries = fields
            .Where(f => f.Key != RunStateFields.UpdatedAt)
            .Select(f => new HashEntry(f.Key, f.Value))
            .Append(new HashEntry(RunStateFields.UpdatedAt, CoordinationJson.FormatTimestamp(_time.GetUtcNow())))
            .ToArray();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await _connections.Database.HashSetAsync(key, entries).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, (key, RedisType.Hash)).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the run's state (a resumed run starts from a fresh one).</summary>
    public async Task DeleteAsync(string runId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _connections.Database.KeyDeleteAsync(_keys.RunState(runId)).ConfigureAwait(false);
    }

    public Task SetStageAsync(string runId, string stage, CancellationToken cancellationToken = default) =>
        SetAsync(runId, new Dictionary<string, string> { [RunStateFields.Stage] = stage }, cancellationToken);

    public Task SetStatusAsync(string runId, string status, string? error = null, CancellationToken cancellationToken = default)
    {
        var fields = new Dictionary<string, string> { [RunStateFields.Status] = status };
        if (error is not null)
        {
            fields[RunStateFields.Error] = error;
        }

        return SetAsync(runId, fields, cancellationToken);
    }

    public Task SetCountsAsync(string runId, int total, int completed, int failed, CancellationToken cancellationToken = default) =>
        SetCountsAsync(runId, total, completed, failed, null, cancellationToken);

    /// <summary>The stage's task counts and, when given, the run's model-call counts so far, in one write.</summary>
    public Task SetCountsAsync(string runId, int total, int completed, int failed, (long Requests, long CacheHits, long Retries)? calls, CancellationToken cancellationToken = default)
    {
        var fields = new Dictionary<string, string>
        {
            [RunStateFields.Total] = total.ToString(CultureInfo.InvariantCulture),
            [RunStateFields.Completed] = completed.ToString(CultureInfo.InvariantCulture),
            [RunStateFields.Failed] = failed.ToString(CultureInfo.InvariantCulture),
        };
        if (calls is { } c)
        {
            fields[RunStateFields.ProviderRequests] = c.Requests.ToString(CultureInfo.InvariantCulture);
            fields[RunStateFields.CacheHits] = c.CacheHits.ToString(CultureInfo.InvariantCulture);
            fields[RunStateFields.Retries] = c.Retries.ToString(CultureInfo.InvariantCulture);
        }

        return SetAsync(runId, fields, cancellationToken);
    }

    /// <summary>Atomically adds to a counter field (e.g. completed) and returns the new value.</summary>
    public async Task<long> IncrementAsync(string runId, string field, long by = 1, CancellationToken cancellationToken = default)
    {
        var key = _keys.RunState(runId);
        await _guard.EnsureAsync(key, RedisType.Hash, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var batch = _connections.Database.CreateBatch();
            var increment = batch.HashIncrementAsync(key, field, by);
            var stamp = batch.HashSetAsync(key, RunStateFields.UpdatedAt, CoordinationJson.FormatTimestamp(_time.GetUtcNow()));
            batch.Execute();
            await Task.WhenAll(increment, stamp).ConfigureAwait(false);
            return await increment.ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, (key, RedisType.Hash)).ConfigureAwait(false);
        }
    }

    public Task RequestCancelAsync(string runId, CancellationToken cancellationToken = default) =>
        SetAsync(runId, new Dictionary<string, string> { [RunStateFields.CancelRequested] = "1" }, cancellationToken);

    public async Task<bool> IsCancelRequestedAsync(string runId, CancellationToken cancellationToken = default)
    {
        var key = _keys.RunState(runId);
        await _guard.EnsureAsync(key, RedisType.Hash, cancellationToken).ConfigureAwait(false);
        try
        {
            var value = await _connections.Database.HashGetAsync(key, RunStateFields.CancelRequested).ConfigureAwait(false);
            return IsTrue(value.IsNull ? null : value.ToString());
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, (key, RedisType.Hash)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What an Orchestrator checks of its run every half second, in one round trip: whether the state still exists with
    /// its epoch, the cancel flag, and an endpoint outage a worker recorded.
    /// </summary>
    public async Task<RunControl> GetControlAsync(string runId, CancellationToken cancellationToken = default)
    {
        var key = _keys.RunState(runId);
        await _guard.EnsureAsync(key, RedisType.Hash, cancellationToken).ConfigureAwait(false);
        RedisValue[] values;
        try
        {
            values = await _connections.Database.HashGetAsync(key,
                [RunStateFields.CancelRequested, RunStateFields.Epoch, RunStateFields.OutageEndpoint, RunStateFields.OutageModel, RunStateFields.OutageCause, RunStateFields.OutageSince]).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, (key, RedisType.Hash)).ConfigureAwait(false);
        }

        string? Text(int i) => values[i].IsNull ? null : values[i].ToString();
        Models.ModelOutage? outage = null;
        if (Text(2) is { } endpoint && Text(5) is { } since
            && DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            outage = new Models.ModelOutage(Text(3) ?? "", endpoint, Text(4) ?? "", at);
        }

        return new RunControl(IsTrue(Text(0)), Text(1), outage);
    }

    /// <summary>
    /// Records on a run that a worker waits for its model endpoint. Written only to a state that exists: a run whose
    /// keys Redis lost is rebuilt by its Orchestrator first (a partial state would hide the loss).
    /// </summary>
    public async Task RecordOutageAsync(string runId, Models.ModelOutage outage, CancellationToken cancellationToken = default)
    {
        var key = _keys.RunState(runId);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await _connections.Database.ScriptEvaluateAsync(
                SetIfExists,
                [key],
                [RunStateFields.OutageEndpoint, outage.Endpoint, RunStateFields.OutageModel, outage.Model, RunStateFields.OutageCause, outage.Cause,
                 RunStateFields.OutageSince, CoordinationJson.FormatTimestamp(outage.Since)]).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, (key, RedisType.Hash)).ConfigureAwait(false);
        }
    }

    /// <summary>Forgets the outage a worker recorded (the endpoint answered again).</summary>
    public async Task ClearOutageAsync(string runId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _connections.Database.HashDeleteAsync(_keys.RunState(runId),
            [RunStateFields.OutageEndpoint, RunStateFields.OutageModel, RunStateFields.OutageCause, RunStateFields.OutageSince]).ConfigureAwait(false);
    }

    /// <summary>Adds a notice for the people watching the run (a `discernus run` prints each once, in order).</summary>
    public async Task AddNoticeAsync(string runId, string message, CancellationToken cancellationToken = default)
    {
        var key = _keys.RunState(runId);
        await _guard.EnsureAsync(key, RedisType.Hash, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await _connections.Database.ScriptEvaluateAsync(AppendNotice, [key], [RunStateFields.Notices, message]).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, (key, RedisType.Hash)).ConfigureAwait(false);
        }
    }

    // KEYS: state. ARGV: field, value, ... Sets the fields only when the state exists.
    private const string SetIfExists = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], unpack(ARGV))
        return 1
        """;

    // KEYS: state. ARGV: counter field, message. Numbers the notice and stores it under notice:{n}.
    private const string AppendNotice = """
        local n = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
        redis.call('HSET', KEYS[1], 'notice:' .. n, ARGV[2])
        return n
        """;

    /// <summary>The run's state, or null when nothing was recorded for it.</summary>
    public async Task<RunState?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        var key = _keys.RunState(runId);
        await _guard.EnsureAsync(key, RedisType.Hash, cancellationToken).ConfigureAwait(false);
        HashEntry[] entries;
        try
        {
            entries = await _connections.Database.HashGetAllAsync(key).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, (key, RedisType.Hash)).ConfigureAwait(false);
        }

        if (entries.Length == 0)
        {
            return null;
        }

        var fields = entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
        return new RunState
        {
            RunId = runId,
            Stage = fields.GetValueOrDefault(RunStateFields.Stage),
            Status = fields.GetValueOrDefault(RunStateFields.Status),
            Total = Number(fields, RunStateFields.Total),
            Completed = Number(fields, RunStateFields.Completed),
            Failed = Number(fields, RunStateFields.Failed),
            ProviderRequests = Number(fields, RunStateFields.ProviderRequests),
            CacheHits = Number(fields, RunStateFields.CacheHits),
            Retries = Number(fields, RunStateFields.Retries),
            CancelRequested = IsTrue(fields.GetValueOrDefault(RunStateFields.CancelRequested)),
            Error = fields.GetValueOrDefault(RunStateFields.Error),
            UpdatedAt = fields.GetValueOrDefault(RunStateFields.UpdatedAt),
            Fields = fields,
        };
    }

    /// <summary>
    /// Records <paramref name="orchestratorId"/> as the run's Orchestrator unless another one that is still alive
    /// (its worker:{id} heartbeat exists) holds it. True when the run is now ours.
    /// </summary>
    public async Task<bool> TryTakeOverAsync(string runId, string orchestratorId, CancellationToken cancellationToken = default)
    {
        var key = _keys.RunState(runId);
        var holder = (await GetAsync(runId, cancellationToken).ConfigureAwait(false))?.Fields.GetValueOrDefault(RunStateFields.Orchestrator);
        var heartbeat = _keys.Worker(string.IsNullOrWhiteSpace(holder) ? orchestratorId : holder);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var taken = await _connections.Database.ScriptEvaluateAsync(
                RedisScripts.TakeOverRun, [key, heartbeat], [RunStateFields.Orchestrator, orchestratorId]).ConfigureAwait(false);
            return (long)taken == 1;
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, (key, RedisType.Hash)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Lets the keys of an ended run expire instead of accumulating: its state (kept for `discernus status`), and its
    /// done and completed lists, which nobody reads any more.
    /// </summary>
    public async Task ExpireAsync(string runId, TimeSpan stateTimeToLive, TimeSpan signalsTimeToLive, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = _connections.Database;
        await Task.WhenAll(
            database.KeyExpireAsync(_keys.RunState(runId), stateTimeToLive),
            database.KeyExpireAsync(_keys.RunDone(runId), signalsTimeToLive),
            database.KeyExpireAsync(_keys.RunCompleted(runId), signalsTimeToLive),
            database.KeyExpireAsync(_keys.RunCalls(runId), signalsTimeToLive)).ConfigureAwait(false);
    }

    private static bool IsTrue(string? value) =>
        value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    private static int? Number(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}
