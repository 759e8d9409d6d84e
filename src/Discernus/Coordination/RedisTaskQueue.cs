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
    private readonly RedisTaskClaimer _claimer;
    private const int EnqueueBatchSize = 500;

    // Part of the dead-letter error of a task whose contract was gone when it was claimed.
    internal const string NoContract = "has no contract at";

    /// <summary>
    /// True for the failure of a task whose contract Redis no longer had when it was claimed (an expiry, a reset, a
    /// restart without persistence): the task itself never ran, and its run may queue it again.
    /// </summary>
    public static bool IsLostContract(string? error) =>
        error is not null && error.StartsWith("Coordination fault: task '", StringComparison.Ordinal) && error.Contains(NoContract, StringComparison.Ordinal);

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
        _claimer = new RedisTaskClaimer(this, connections, keys, _options, _time, _logger, _guard);
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

    public Task<IReadOnlyList<IClaimedTask>> ClaimManyAsync(string workerId, int max, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ThrowIfDisposed();
        return _claimer.ClaimManyAsync(workerId, max, wait, cancellationToken);
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
            _logger.LogWarning(
                "Requeued {Count} task(s) found in {Processing} that worker {WorkerId} was not working on: left by an earlier run of it, or claimed by a command whose reply never reached it",
                moved, processing, workerId);
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

        await _claimer.DisposeAsync().ConfigureAwait(false);
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

    internal async Task<long> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values, params (string Key, RedisType Expected)[] typed)
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

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
