namespace Discernus.Coordination;

/// <summary>A claim handed out by <see cref="RedisTaskQueue"/>; settling goes back through the queue.</summary>
internal sealed class RedisClaimedTask : IClaimedTask
{
    private readonly RedisTaskQueue _queue;
    private int _settled;

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

    public bool IsSettled => Volatile.Read(ref _settled) != 0;

    public Task AckAsync(CompletionSignal signal, string runId, CancellationToken cancellationToken = default)
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

    public Task AckWithoutSignalAsync(CancellationToken cancellationToken = default) =>
        SettleAsync("acknowledge", ct => _queue.AckCoreAsync(this, null, null, ct), cancellationToken);

    public Task RequeueAsync(CancellationToken cancellationToken = default) =>
        SettleAsync("requeue", ct => _queue.RequeueCoreAsync(this, ct), cancellationToken);

    public Task DeadLetterAsync(string error, CancellationToken cancellationToken = default)
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

    private async Task SettleAsync(string action, Func<CancellationToken, Task> settle, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            throw new InvalidOperationException($"Cannot {action} task '{TaskId}': it was already settled.");
        }

        try
        {
            await settle(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing was applied (MULTI/EXEC is all or nothing for these commands): the claim may be settled again.
            Volatile.Write(ref _settled, 0);
            throw;
        }
    }
}
