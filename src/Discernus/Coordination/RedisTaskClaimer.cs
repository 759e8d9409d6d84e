using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// The claiming side of a <see cref="RedisTaskQueue"/>: waiting tasks moved to a worker's processing list (plain
/// LMOVEs, or a BLMOVE on a dedicated connection when the queue is empty), a claim cancelled while blocking undone,
/// and each claimed task prepared — its attempt counted, its contract read, and a task without one dead-listed or,
/// when Redis forgot its run, dropped for the run's orchestrator to queue again.
/// </summary>
internal sealed class RedisTaskClaimer(RedisTaskQueue queue, RedisConnections connections, RedisKeys keys, TaskQueueOptions options, TimeProvider time, ILogger logger, KeyTypeGuard guard)
    : IAsyncDisposable
{
    private readonly RedisTaskQueue _queue = queue;
    private readonly RedisConnections _connections = connections;
    private readonly RedisKeys _keys = keys;
    private readonly TaskQueueOptions _options = options;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;
    private readonly KeyTypeGuard _guard = guard;
    private readonly Concurrency.SharedTasks<string, ConnectionMultiplexer> _claimers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _lateRequeues = new();
    private int _disposed;

    public async Task<IReadOnlyList<IClaimedTask>> ClaimManyAsync(string workerId, int max, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var processing = _keys.Processing(workerId);
        await _guard.EnsureAsync(_queue.SourceList, RedisType.List, cancellationToken).ConfigureAwait(false);
        await _guard.EnsureAsync(processing, RedisType.List, cancellationToken).ConfigureAwait(false);

        var started = _time.GetTimestamp();
        IDatabase? blocking = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Waiting tasks are taken with plain LMOVEs on the shared connection, several in one round trip; only an
            // empty queue is waited on with BLMOVE (a blocking command costs a server thread on Garnet and a round trip
            // on a dedicated connection).
            var taskIds = await MoveNowAsync(processing, max).ConfigureAwait(false);
            if (taskIds.Count == 0)
            {
                var remaining = wait - _time.GetElapsedTime(started);
                if (wait == TimeSpan.Zero || remaining <= TimeSpan.Zero)
                {
                    return [];
                }

                blocking ??= (await GetClaimerAsync(workerId, cancellationToken).ConfigureAwait(false)).GetDatabase();
                var block = BlockingCommands.NextBlock(remaining, _options.BlockingTimeout);
                if (await BlockingMoveAsync(blocking, processing, block, cancellationToken).ConfigureAwait(false) is not { } taskId)
                {
                    continue;
                }

                taskIds = [taskId];
            }

            // The tasks are ours now: finish preparing them even if the token fires, so none is half-claimed.
            var claimed = await PrepareClaimsAsync(taskIds, workerId).ConfigureAwait(false);
            if (claimed.Count > 0)
            {
                return claimed;
            }
        }
    }

    private async Task<IReadOnlyList<string>> MoveNowAsync(string processing, int max)
    {
        try
        {
            if (max == 1)
            {
                var item = await _connections.Database.ListMoveAsync(_queue.SourceList, processing, ListSide.Right, ListSide.Left).ConfigureAwait(false);
                return item.IsNull ? [] : [item.ToString()];
            }

            // Each LMOVE is atomic on its own; sent together they cost one round trip.
            var batch = _connections.Database.CreateBatch();
            var moves = Enumerable.Range(0, max).Select(_ => batch.ListMoveAsync(_queue.SourceList, processing, ListSide.Right, ListSide.Left)).ToList();
            batch.Execute();
            await Task.WhenAll(moves).ConfigureAwait(false);
            return moves.Select(m => m.Result).Where(v => !v.IsNull).Select(v => v.ToString()).ToList();
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, (_queue.SourceList, RedisType.List), (processing, RedisType.List)).ConfigureAwait(false);
        }
    }

    private async Task<string?> BlockingMoveAsync(IDatabase blocking, string processing, TimeSpan block, CancellationToken cancellationToken)
    {
        var pending = blocking.ExecuteAsync(
            "BLMOVE",
            (RedisKey)_queue.SourceList,
            (RedisKey)processing,
            "RIGHT",
            "LEFT",
            BlockingCommands.FormatSeconds(block));
        RedisResult result;
        try
        {
            result = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The command is still on its way; whatever it moves after we stopped waiting goes straight back.
            TrackLateRequeue(pending, processing);
            throw;
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, (_queue.SourceList, RedisType.List), (processing, RedisType.List)).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (BlockingCommands.IsUnknownCommand(ex))
        {
            throw BlockingCommands.Unsupported("BLMOVE", _connections.Description, ex);
        }

        return result.IsNull ? null : result.ToString();
    }

    private void TrackLateRequeue(Task<RedisResult> pending, string processing)
    {
        var requeue = RequeueLateAsync(pending, processing);
        _lateRequeues.TryAdd(requeue, 0);
        _ = requeue.ContinueWith(t => _lateRequeues.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task RequeueLateAsync(Task<RedisResult> pending, string processing)
    {
        try
        {
            var result = await pending.ConfigureAwait(false);
            if (result.IsNull)
            {
                return;
            }

            var taskId = result.ToString();
            await _queue.EvaluateAsync(RedisScripts.Requeue, [processing, _queue.SourceList, _keys.TaskAttempts(taskId)], [taskId, "front"]).ConfigureAwait(false);
        }
        catch (Exception ex) when (Volatile.Read(ref _disposed) != 0 && ex is RedisConnectionException)
        {
            // Our own shutdown closed the connection under the pending claim: nothing was moved, or recovery returns it.
            _logger.LogDebug(ex, "A claim pending at shutdown ended with its connection for {Processing}", processing);
        }
        catch (Exception ex)
        {
            // Loop boundary of a fire-and-forget continuation: the task stays in processing, RecoverAsync or
            // OrphanRecovery returns it later.
            _logger.LogWarning(ex, "A claim cancelled while blocking could not be undone for {Processing}; recovery returns it later", processing);
        }
    }

    private async Task<IReadOnlyList<IClaimedTask>> PrepareClaimsAsync(IReadOnlyList<string> taskIds, string workerId)
    {
        var database = _connections.Database;
        List<(string TaskId, Task<long> Increment, Task<RedisValue> Get)> reads;
        try
        {
            var batch = database.CreateBatch();
            var expiries = new List<Task>();
            reads = taskIds.Select(taskId =>
            {
                var attemptsKey = _keys.TaskAttempts(taskId);
                var increment = batch.StringIncrementAsync(attemptsKey);
                expiries.Add(batch.KeyExpireAsync(attemptsKey, _options.DataTtl));
                return (taskId, increment, batch.StringGetAsync(_keys.TaskData(taskId)));
            }).ToList();
            batch.Execute();
            await Task.WhenAll(reads.Select(r => (Task)r.Increment).Concat(reads.Select(r => r.Get)).Concat(expiries)).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, taskIds.SelectMany(id => new[] { (_keys.TaskAttempts(id), RedisType.String), (_keys.TaskData(id), RedisType.String) }).ToArray()).ConfigureAwait(false);
        }

        var claimed = new List<IClaimedTask>(taskIds.Count);
        foreach (var (taskId, increment, get) in reads)
        {
            var attemptCount = (int)Math.Min(increment.Result, int.MaxValue);
            var data = get.Result;
            var json = data.IsNull ? null : data.ToString();
            var (runId, taskType, traceparent) = Describe(taskId, json);
            if (json is null && runId is not null && await DropIfRunForgottenAsync(taskId, runId, workerId).ConfigureAwait(false))
            {
                continue;
            }

            if (json is null)
            {
                await _queue.DeadLetterCoreAsync(
                    taskId,
                    workerId,
                    runId,
                    attemptCount,
                    $"Coordination fault: task '{taskId}' {RedisTaskQueue.NoContract} '{_keys.TaskData(taskId)}' (it expired after {_options.DataTtl}, was deleted by a reset, or was never written); the producer must store the data before pushing the id.",
                    CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            if (_options.MaxAttempts > 0 && attemptCount > _options.MaxAttempts)
            {
                await _queue.DeadLetterCoreAsync(
                    taskId,
                    workerId,
                    runId,
                    attemptCount,
                    $"task '{taskId}' was claimed {attemptCount} times without being settled (limit {_options.MaxAttempts}); its workers probably crashed or were stopped while running it.",
                    CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            claimed.Add(new RedisClaimedTask(_queue, taskId, json, attemptCount, workerId, runId, taskType) { Traceparent = traceparent });
        }

        return claimed;
    }

    /// <summary>
    /// A claim whose contract and run state are both gone (or whose contract is gone within minutes of a reset) was
    /// taken in the moment Redis forgot the run (a reset, a restart without persistence): it is no failure of the
    /// task, and the run's orchestrator queues it again from the run folder. Dead-listing it would report a failure
    /// that never happened.
    /// </summary>
    private async Task<bool> DropIfRunForgottenAsync(string taskId, string runId, string workerId)
    {
        var database = _connections.Database;
        // A reset deletes in batches while the run goes on, so its Orchestrator may have rebuilt the run's state
        // already; the reset's marker says this claim lost its contract to the reset.
        if (!await database.KeyExistsAsync(_keys.Reset).ConfigureAwait(false)
            && await database.KeyExistsAsync(_keys.RunState(runId)).ConfigureAwait(false))
        {
            return false;
        }

        await database.ListRemoveAsync(_keys.Processing(workerId), taskId, 1).ConfigureAwait(false);
        await database.KeyDeleteAsync(_keys.TaskAttempts(taskId)).ConfigureAwait(false);
        _logger.LogWarning(
            "Task {TaskId} was claimed as Redis forgot run {RunId} (a reset or a restart without persistence): it is dropped here, and the run's orchestrator queues it again from the run folder",
            taskId,
            runId);
        return true;
    }

    private static (string? RunId, string? TaskType, string? Traceparent) Describe(string taskId, string? json)
    {
        string? runId = null;
        string? taskType = null;
        string? traceparent = null;
        if (json is not null)
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    runId = StringProperty(document.RootElement, "run_id");
                    taskType = StringProperty(document.RootElement, "task_type");
                    traceparent = StringProperty(document.RootElement, "traceparent");
                }
            }
            catch (JsonException)
            {
                // The agent's contract reader reports malformed JSON; here we only look for routing hints.
            }
        }

        if (TaskIds.TryParse(taskId, out var parts))
        {
            runId ??= parts.RunId;
            taskType ??= parts.TaskType;
        }

        return (runId, taskType, traceparent);
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;

    private Task<ConnectionMultiplexer> GetClaimerAsync(string workerId, CancellationToken cancellationToken) =>
        _claimers.GetAsync(workerId, id => _connections.ConnectDedicatedAsync("claim-" + id, _options.BlockingTimeout), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, 1);

        // Closing a dedicated connection unblocks its BLMOVE on the server, so pending late requeues finish quickly.
        foreach (var claimer in _claimers.Started())
        {
            try
            {
                var connection = await claimer.ConfigureAwait(false);
                await connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
                connection.Dispose();
            }
            catch (Exception ex) when (ex is RedisException or ObjectDisposedException or TimeoutException)
            {
                _logger.LogDebug(ex, "Closing a claim connection failed");
            }
        }

        _claimers.Clear();
        await Task.WhenAll(_lateRequeues.Keys).ConfigureAwait(false);
    }
}
