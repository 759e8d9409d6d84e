using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// <see cref="ITaskQueue"/> on a Redis list. The same class serves <c>tasks</c> (agent tasks) and
/// <c>orchestrator.tasks</c> (run requests). Claims use BLMOVE source → processing:{worker} on a dedicated
/// connection per worker id, never on the shared multiplexer.
/// </summary>
internal sealed class RedisTaskQueue : ITaskQueue, IAsyncDisposable
{
    private readonly RedisConnections _connections;
    private readonly Telemetry.DiscernusMetrics? _metrics;
    private readonly RedisKeys _keys;
    private readonly TaskQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeyTypeGuard _guard;
    private readonly ConcurrentDictionary<string, Lazy<Task<ConnectionMultiplexer>>> _claimers = new(StringComparer.Ordinal);
    private const int EnqueueBatchSize = 500;

    // Part of the dead-letter error of a task whose contract was gone when it was claimed.
    private const string NoContract = "has no contract at";

    /// <summary>
    /// True for the failure of a task whose contract Redis no longer had when it was claimed (an expiry, a reset, a
    /// restart without persistence): the task itself never ran, and its run may queue it again.
    /// </summary>
    public static bool IsLostContract(string? error) =>
        error is not null && error.StartsWith("Coordination fault: task '", StringComparison.Ordinal) && error.Contains(NoContract, StringComparison.Ordinal);

    private readonly ConcurrentDictionary<Task, byte> _lateRequeues = new();
    private int _disposed;

    public RedisTaskQueue(
        RedisConnections connections,
        RedisKeys keys,
        string sourceList,
        TaskQueueOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        Telemetry.DiscernusMetrics? metrics = null)
    {
        _metrics = metrics;
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceList);
        _connections = connections;
        _keys = keys;
        _options = options ?? new TaskQueueOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _guard = new KeyTypeGuard(connections.Database);
        SourceList = sourceList;
    }

    public string SourceList { get; }

    public RedisKeys Keys => _keys;

    /// <summary>The queue of agent tasks (<c>tasks</c>).</summary>
    public static RedisTaskQueue ForTasks(RedisConnections connections, RedisKeys keys, TaskQueueOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null,
        Telemetry.DiscernusMetrics? metrics = null) =>
        new(connections, keys, keys.Tasks, options, timeProvider, logger, metrics);

    /// <summary>The queue of run requests (<c>orchestrator.tasks</c>); dead-lettered requests signal no run.</summary>
    public static RedisTaskQueue ForRunRequests(RedisConnections connections, RedisKeys keys, TaskQueueOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null) =>
        new(connections, keys, keys.OrchestratorTasks, (options ?? new TaskQueueOptions()) with { SignalDeadLetters = false }, timeProvider, logger);

    public async Task EnqueueAsync(string taskId, string contractJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        ArgumentException.ThrowIfNullOrWhiteSpace(contractJson);
        ThrowIfDisposed();
        var dataKey = _keys.TaskData(taskId);
        var attemptsKey = _keys.TaskAttempts(taskId);
        await _guard.EnsureAsync(SourceList, RedisType.List, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        // Data first, then the id: a consumer that sees the id always finds the contract.
        var transaction = _connections.Database.CreateTransaction();
        var operations = new Task[]
        {
            transaction.StringSetAsync(dataKey, contractJson, _options.DataTtl),
            transaction.KeyDeleteAsync(attemptsKey),
            transaction.ListLeftPushAsync(SourceList, taskId),
        };
        await ExecuteAsync(transaction, operations, (SourceList, RedisType.List)).ConfigureAwait(false);
    }

    public async Task EnqueueManyAsync(IReadOnlyList<(string TaskId, string ContractJson)> items, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await _guard.EnsureAsync(SourceList, RedisType.List, cancellationToken).ConfigureAwait(false);
        foreach (var chunk in items.Chunk(EnqueueBatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = _connections.Database.CreateBatch();
            var operations = new List<Task>(chunk.Length * 3);
            foreach (var (taskId, json) in chunk)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
                ArgumentException.ThrowIfNullOrWhiteSpace(json);
                operations.Add(batch.StringSetAsync(_keys.TaskData(taskId), json, _options.DataTtl));
                operations.Add(batch.KeyDeleteAsync(_keys.TaskAttempts(taskId)));
            }

            // Ids last: a batch keeps its order on the connection, so every contract is stored before any id is visible.
            operations.Add(batch.ListLeftPushAsync(SourceList, chunk.Select(c => (RedisValue)c.TaskId).ToArray()));
            batch.Execute();
            try
            {
                await Task.WhenAll(operations).ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
            {
                throw await _guard.FaultAsync(ex, (SourceList, RedisType.List)).ConfigureAwait(false);
            }
        }
    }

    public async Task<IReadOnlySet<string>> FindQueuedAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in taskIds.Chunk(EnqueueBatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = _connections.Database.CreateBatch();
            var checks = chunk.Select(id => (Id: id, Exists: batch.KeyExistsAsync(_keys.TaskData(id)))).ToList();
            batch.Execute();
            await Task.WhenAll(checks.Select(c => c.Exists)).ConfigureAwait(false);
            found.UnionWith(checks.Where(c => c.Exists.Result).Select(c => c.Id));
        }

        return found;
    }

    public async Task<IClaimedTask?> ClaimAsync(string workerId, TimeSpan wait, CancellationToken cancellationToken = default) =>
        (await ClaimManyAsync(workerId, 1, wait, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<IClaimedTask>> ClaimManyAsync(string workerId, int max, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        var processing = _keys.Processing(workerId);
        await _guard.EnsureAsync(SourceList, RedisType.List, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Acknowledges several claims in one round trip (each by the same conditional script as
    /// <see cref="IClaimedTask.AckAsync"/>, so each acts only if its task is still claimed).
    /// </summary>
    public async Task<IReadOnlyList<SettleOutcome>> AckManyAsync(IReadOnlyList<(IClaimedTask Task, CompletionSignal Signal, string RunId)> acks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(acks);
        var claims = acks.Select(a => a.Task as RedisClaimedTask ?? throw new ArgumentException("only claims of this queue can be settled here", nameof(acks))).ToList();
        foreach (var claim in claims)
        {
            claim.BeginSettle("acknowledge");
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = _connections.Database.CreateBatch();
            var pending = acks.Select(a => batch.ScriptEvaluateAsync(
                RedisScripts.Ack,
                [_keys.Processing(a.Task.WorkerId), _keys.RunDone(a.RunId), _keys.TaskData(a.Task.TaskId), _keys.TaskAttempts(a.Task.TaskId), _keys.RunState(a.RunId)],
                [a.Task.TaskId, CoordinationJson.Serialize(a.Signal)])).ToList();
            batch.Execute();
            try
            {
                await Task.WhenAll(pending).ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
            {
                var keys = acks.SelectMany(a => new[] { (_keys.RunDone(a.RunId), RedisType.List), (_keys.RunState(a.RunId), RedisType.Hash) }).Distinct().ToArray();
                throw await _guard.FaultAsync(ex, keys).ConfigureAwait(false);
            }

            return claims.Select((claim, i) => claim.EndSettle((long)pending[i].Result switch
            {
                RedisScripts.Applied => SettleOutcome.Applied,
                RedisScripts.SignalDropped => SettleOutcome.RunEnded,
                _ => SettleOutcome.NotOwned,
            })).ToList();
        }
        catch (Exception ex)
        {
            foreach (var claim in claims)
            {
                claim.FailSettle(ex);
            }

            throw;
        }
    }

    public async Task<int> RecoverAsync(string workerId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var processing = _keys.Processing(workerId);
        await _guard.EnsureAsync(SourceList, RedisType.List, cancellationToken).ConfigureAwait(false);
        await _guard.EnsureAsync(processing, RedisType.List, cancellationToken).ConfigureAwait(false);
        var database = _connections.Database;
        var moved = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Newest (left) first to the consuming end (right): the oldest claim ends up first in line again.
            RedisValue item;
            try
            {
                item = await database.ListMoveAsync(processing, SourceList, ListSide.Left, ListSide.Right).ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
            {
                throw await _guard.FaultAsync(ex, (processing, RedisType.List), (SourceList, RedisType.List)).ConfigureAwait(false);
            }

            if (item.IsNull)
            {
                break;
            }

            moved++;
        }

        if (moved > 0)
        {
            _logger.LogInformation("Requeued {Count} task(s) left in {Processing} by an earlier run of worker {WorkerId}", moved, processing, workerId);
        }

        return moved;
    }

    public async Task<long> GetLengthAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await _guard.EnsureAsync(SourceList, RedisType.List, cancellationToken).ConfigureAwait(false);
        try
        {
            return await _connections.Database.ListLengthAsync(SourceList).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, (SourceList, RedisType.List)).ConfigureAwait(false);
        }
    }

    public async Task RestoreClaimAsync(string workerId, string taskId, string contractJson, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var processing = _keys.Processing(workerId);
        await _guard.EnsureAsync(processing, RedisType.List, cancellationToken).ConfigureAwait(false);
        await EvaluateAsync(RedisScripts.RestoreClaim, [processing, _keys.TaskData(taskId)], [taskId, contractJson, (long)_options.DataTtl.TotalSeconds],
            (processing, RedisType.List)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Closing a dedicated connection unblocks its BLMOVE on the server, so pending late requeues finish quickly.
        foreach (var claimer in _claimers.Values)
        {
            if (!claimer.IsValueCreated)
            {
                continue;
            }

            try
            {
                var connection = await claimer.Value.ConfigureAwait(false);
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

    internal async Task<SettleOutcome> AckCoreAsync(RedisClaimedTask task, CompletionSignal? signal, string? runId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var processing = _keys.Processing(task.WorkerId);
        var done = runId is null ? processing : _keys.RunDone(runId);
        var state = runId is null ? processing : _keys.RunState(runId);
        var result = await EvaluateAsync(
            RedisScripts.Ack,
            [processing, done, _keys.TaskData(task.TaskId), _keys.TaskAttempts(task.TaskId), state],
            [task.TaskId, signal is null ? "" : CoordinationJson.Serialize(signal)],
            (processing, RedisType.List), (done, RedisType.List), (state, RedisType.Hash)).ConfigureAwait(false);
        return result switch
        {
            RedisScripts.Applied => SettleOutcome.Applied,
            RedisScripts.SignalDropped => SettleOutcome.RunEnded,
            _ => SettleOutcome.NotOwned,
        };
    }

    internal async Task<SettleOutcome> RequeueCoreAsync(RedisClaimedTask task, bool toBack, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var processing = _keys.Processing(task.WorkerId);
        var result = await EvaluateAsync(
            RedisScripts.Requeue,
            [processing, SourceList, _keys.TaskAttempts(task.TaskId)],
            [task.TaskId, toBack ? "back" : "front"],
            (processing, RedisType.List), (SourceList, RedisType.List)).ConfigureAwait(false);
        return result == RedisScripts.Applied ? SettleOutcome.Applied : SettleOutcome.NotOwned;
    }

    internal async Task<SettleOutcome> DiscardCoreAsync(RedisClaimedTask task, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var processing = _keys.Processing(task.WorkerId);
        await _guard.EnsureAsync(processing, RedisType.List, cancellationToken).ConfigureAwait(false);
        var removed = await _connections.Database.ListRemoveAsync(processing, task.TaskId, 1).ConfigureAwait(false);
        return removed == 1 ? SettleOutcome.Applied : SettleOutcome.NotOwned;
    }

    internal async Task<SettleOutcome> DeadLetterCoreAsync(string taskId, string workerId, string? runId, int attempts, string error, CancellationToken cancellationToken)
    {
        var processing = _keys.Processing(workerId);
        var signalled = _options.SignalDeadLetters && runId is not null;
        var done = signalled ? _keys.RunDone(runId!) : processing;
        var state = signalled ? _keys.RunState(runId!) : processing;
        var entry = new DeadLetterEntry
        {
            TaskId = taskId,
            RunId = runId,
            Source = SourceList,
            WorkerId = workerId,
            Error = error,
            Attempts = attempts,
            FailedAt = CoordinationJson.FormatTimestamp(_time.GetUtcNow()),
        };
        cancellationToken.ThrowIfCancellationRequested();
        var result = await EvaluateAsync(
            RedisScripts.DeadLetter,
            [processing, _keys.Dead, done, _keys.TaskData(taskId), _keys.TaskAttempts(taskId), state],
            [taskId, CoordinationJson.Serialize(entry), signalled ? CoordinationJson.Serialize(CompletionSignal.Failure(taskId, error)) : "", _options.DeadListCapacity],
            (processing, RedisType.List), (_keys.Dead, RedisType.List), (done, RedisType.List), (state, RedisType.Hash)).ConfigureAwait(false);
        if (result == RedisScripts.NotOwned)
        {
            return SettleOutcome.NotOwned;
        }

        _logger.LogWarning("Task {TaskId} of run {RunId} moved to {Dead} after {Attempts} attempt(s): {Error}", taskId, runId, _keys.Dead, attempts, error);
        // Counted here, where every dead-lettering passes (an agent's last failure, a task whose workers kept dying).
        _metrics?.TaskDeadLettered(TaskIds.TryParse(taskId, out var parts) ? parts.TaskType : null);
        return result == RedisScripts.SignalDropped ? SettleOutcome.RunEnded : SettleOutcome.Applied;
    }

    internal void LogSettleFailure(Exception exception, string taskId) =>
        _logger.LogWarning(exception, "Could not requeue task {TaskId} on dispose; it stays in its processing list until recovery", taskId);

    private async Task<long> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values, params (string Key, RedisType Expected)[] typed)
    {
        try
        {
            var result = await _connections.Database.ScriptEvaluateAsync(script, keys, values).ConfigureAwait(false);
            return (long)result;
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, typed).ConfigureAwait(false);
        }
    }

    private async Task ExecuteAsync(ITransaction transaction, IReadOnlyCollection<Task> operations, params (string Key, RedisType Expected)[] keys)
    {
        try
        {
            // Redis checks types at EXEC time and does not roll back: a WRONGTYPE shows up on one operation's task.
            await transaction.ExecuteAsync().ConfigureAwait(false);
            await Task.WhenAll(operations).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, keys).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<string>> MoveNowAsync(string processing, int max)
    {
        try
        {
            if (max == 1)
            {
                var item = await _connections.Database.ListMoveAsync(SourceList, processing, ListSide.Right, ListSide.Left).ConfigureAwait(false);
                return item.IsNull ? [] : [item.ToString()];
            }

            // Each LMOVE is atomic on its own; sent together they cost one round trip.
            var batch = _connections.Database.CreateBatch();
            var moves = Enumerable.Range(0, max).Select(_ => batch.ListMoveAsync(SourceList, processing, ListSide.Right, ListSide.Left)).ToList();
            batch.Execute();
            await Task.WhenAll(moves).ConfigureAwait(false);
            return moves.Select(m => m.Result).Where(v => !v.IsNull).Select(v => v.ToString()).ToList();
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, (SourceList, RedisType.List), (processing, RedisType.List)).ConfigureAwait(false);
        }
    }

    private async Task<string?> BlockingMoveAsync(IDatabase blocking, string processing, TimeSpan block, CancellationToken cancellationToken)
    {
        var pending = blocking.ExecuteAsync(
            "BLMOVE",
            (RedisKey)SourceList,
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
            throw await _guard.FaultAsync(ex, (SourceList, RedisType.List), (processing, RedisType.List)).ConfigureAwait(false);
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
            await EvaluateAsync(RedisScripts.Requeue, [processing, SourceList, _keys.TaskAttempts(taskId)], [taskId, "front"]).ConfigureAwait(false);
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
                await DeadLetterCoreAsync(
                    taskId,
                    workerId,
                    runId,
                    attemptCount,
                    $"Coordination fault: task '{taskId}' {NoContract} '{_keys.TaskData(taskId)}' (it expired after {_options.DataTtl}, was deleted by a reset, or was never written); the producer must store the data before pushing the id.",
                    CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            if (_options.MaxAttempts > 0 && attemptCount > _options.MaxAttempts)
            {
                await DeadLetterCoreAsync(
                    taskId,
                    workerId,
                    runId,
                    attemptCount,
                    $"task '{taskId}' was claimed {attemptCount} times without being settled (limit {_options.MaxAttempts}); its workers probably crashed or were stopped while running it.",
                    CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            claimed.Add(new RedisClaimedTask(this, taskId, json, attemptCount, workerId, runId, taskType) { Traceparent = traceparent });
        }

        return claimed;
    }

    /// <summary>
    /// A claim whose contract and run state are both gone was taken in the moment Redis forgot the run (a reset, a
    /// restart without persistence): it is no failure of the task, and the run's orchestrator queues it again from
    /// the run folder. Dead-listing it would report a failure that never happened.
    /// </summary>
    private async Task<bool> DropIfRunForgottenAsync(string taskId, string runId, string workerId)
    {
        var database = _connections.Database;
        if (await database.KeyExistsAsync(_keys.RunState(runId)).ConfigureAwait(false))
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

    private async Task<ConnectionMultiplexer> GetClaimerAsync(string workerId, CancellationToken cancellationToken)
    {
        var lazy = _claimers.GetOrAdd(
            workerId,
            id => new Lazy<Task<ConnectionMultiplexer>>(() => _connections.ConnectDedicatedAsync("claim-" + id, _options.BlockingTimeout)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _claimers.TryRemove(new KeyValuePair<string, Lazy<Task<ConnectionMultiplexer>>>(workerId, lazy));
            throw;
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
