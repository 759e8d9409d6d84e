namespace Discernus.Coordination;

/// <summary>
/// A task moved to a worker's processing list. Settle it once; disposing it unsettled puts it back on the queue
/// (at-least-once delivery, agents are idempotent). Every settle is conditional: it acts only while the task is still
/// in this worker's processing list and otherwise reports <see cref="SettleOutcome.NotOwned"/>, so a settle may be
/// retried after a failure without ever applying twice.
/// </summary>
internal interface IClaimedTask : IAsyncDisposable
{
    string TaskId { get; }

    string ContractJson { get; }

    /// <summary>How many times the task has been claimed, this claim included.</summary>
    int Attempts { get; }

    string WorkerId { get; }

    /// <summary>The run the task belongs to: the contract's run_id, else the task id's first part; null if neither.</summary>
    string? RunId { get; }

    /// <summary>The contract's task_type, for dispatching; null when the contract has none.</summary>
    string? TaskType { get; }

    /// <summary>The contract's W3C trace context (telemetry only), or null.</summary>
    string? Traceparent { get; }

    bool IsSettled { get; }

    /// <summary>Removes the task, deletes its keys and pushes the signal to run:{runId}:done (unless the run ended).</summary>
    Task<SettleOutcome> AckAsync(CompletionSignal signal, string runId, CancellationToken cancellationToken = default);

    /// <summary>Removes the task and deletes its keys without a completion signal (a run request, a task of an ended run).</summary>
    Task<SettleOutcome> AckWithoutSignalAsync(CancellationToken cancellationToken = default);

    /// <summary>Puts the task back at the front of its queue (the attempt counts).</summary>
    Task<SettleOutcome> RequeueAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Leaves the task for another consumer: back of the queue, and the claim does not count as an attempt (this
    /// consumer cannot serve it, e.g. it cannot reach the run's artifact store).
    /// </summary>
    Task<SettleOutcome> ReleaseAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops this claim without touching the task's keys: another consumer holds the same task id (a duplicate run
    /// request while its run is executed elsewhere).
    /// </summary>
    Task<SettleOutcome> DiscardAsync(CancellationToken cancellationToken = default);

    /// <summary>Moves the task to <c>dead</c> with the error and, when a run is known, signals its failure.</summary>
    Task<SettleOutcome> DeadLetterAsync(string error, CancellationToken cancellationToken = default);
}
