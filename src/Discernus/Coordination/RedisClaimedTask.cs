using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>A claim handed out by <see cref="RedisTaskQueue"/>; settling goes back through the queue's scripts.</summary>
internal sealed class RedisClaimedTask : IClaimedTask
{
    private readonly RedisTaskQueue _queue;
    private int _settled;
    private bool _replyLost;

    public RedisClaimedTask(RedisTaskQueue queue, string taskId, string contractJson, int attempts, string workerId, string? runId, string? taskType)
    {
        _queue = queue;
        TaskId = taskId;
        ContractJson = contractJson;
        Attempts = attempts;
        WorkerId = workerId;
        RunId = runId;
        TaskType = taskType;
    }

    public string TaskId { get; }

    public string ContractJson { get; }

    public int Attempts { get; }

    public string WorkerId { get; }

    public string? RunId { get; }

    public string? TaskType { get; }

    public string? Traceparent { get; init; }

    public bool IsSettled => Volatile.Read(ref _settled) != 0;

    public Task<SettleOutcome> AckAsync(CompletionSignal signal, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (signal.TaskId != TaskId)
        {
            throw new ArgumentException($"The completion signal is for task '{signal.TaskId}' but this claim is task '{TaskId}'.", nameof(signal));
        }

        if (!CompletionStatus.IsKnown(signal.Status))
        {
            throw new ArgumentException(
                $"The completion signal has status '{signal.Status}'; expected '{CompletionStatus.Succeeded}' or '{CompletionStatus.Failed}'.", nameof(signal));
        }

        return SettleAsync("acknowledge", ct => _queue.AckCoreAsync(this, signal, runId, ct), cancellationToken);
    }

    public Task<SettleOutcome> AckWithoutSignalAsync(CancellationToken cancellationToken = default) =>
        SettleAsync("acknowledge", ct => _queue.AckCoreAsync(this, null, null, ct), cancellationToken);

    public Task<SettleOutcome> RequeueAsync(CancellationToken cancellationToken = default) =>
        SettleAsync("requeue", ct => _queue.RequeueCoreAsync(this, toBack: false, ct), cancellationToken);

    public Task<SettleOutcome> ReleaseAsync(CancellationToken cancellationToken = default) =>
        SettleAsync("release", ct => _queue.RequeueCoreAsync(this, toBack: true, ct), cancellationToken);

    public Task<SettleOutcome> DiscardAsync(CancellationToken cancellationToken = default) =>
        SettleAsync("discard", ct => _queue.DiscardCoreAsync(this, ct), cancellationToken);

    public Task<SettleOutcome> DeadLetterAsync(string error, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return SettleAsync("dead-letter", ct => _queue.DeadLetterCoreAsync(TaskId, WorkerId, RunId, Attempts, error, ct), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (IsSettled)
        {
            return;
        }

        try
        {
            await RequeueAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Dispose must not throw; the task stays in the processing list and recovery returns it.
            _queue.LogSettleFailure(ex, TaskId);
        }
    }

    /// <summary>Marks the claim as being settled by a batch (<see cref="RedisTaskQueue.AckManyAsync"/>).</summary>
    internal void BeginSettle(string action)
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            throw new InvalidOperationException($"Cannot {action} task '{TaskId}': it was already settled.");
        }
    }

    internal SettleOutcome EndSettle(SettleOutcome outcome) =>
        outcome == SettleOutcome.NotOwned && _replyLost ? SettleOutcome.Uncertain : outcome;

    internal void FailSettle(Exception exception)
    {
        _replyLost |= exception is RedisConnectionException or RedisTimeoutException;
        Volatile.Write(ref _settled, 0);
    }

    private async Task<SettleOutcome> SettleAsync(string action, Func<CancellationToken, Task<SettleOutcome>> settle, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            throw new InvalidOperationException($"Cannot {action} task '{TaskId}': it was already settled.");
        }

        try
        {
            var outcome = await settle(cancellationToken).ConfigureAwait(false);

            // After a lost reply, "not ours any more" may just mean that the first attempt went through.
            return outcome == SettleOutcome.NotOwned && _replyLost ? SettleOutcome.Uncertain : outcome;
        }
        catch (Exception ex)
        {
            // A settle is conditional on the claim, so trying again is safe whether or not this attempt was applied.
            _replyLost |= ex is RedisConnectionException or RedisTimeoutException;
            Volatile.Write(ref _settled, 0);
            throw;
        }
    }
}
