namespace Discernus.Coordination;

/// <summary>
/// A task moved to a worker's processing list. Settle it exactly once; disposing it unsettled puts it back on the
/// queue (at-least-once delivery, agents are idempotent).
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

    bool IsSettled { get; }

    /// <summary>Removes the task from processing and pushes the signal to run:{runId}:done, in one MULTI/EXEC.</summary>
    Task AckAsync(CompletionSignal signal, string runId, CancellationToken cancellationToken = default);

    /// <summary>Removes the task from processing without a completion signal (e.g. a run request taken by the Orchestrator).</summary>
    Task AckWithoutSignalAsync(CancellationToken cancellationToken = default);

    /// <summary>Puts the task back at the front of its queue.</summary>
    Task RequeueAsync(CancellationToken cancellationToken = default);

    /// <summary>Moves the task to <c>dead</c> with the error and, when a run is known, signals its failure.</summary>
    Task DeadLetterAsync(string error, CancellationToken cancellationToken = default);
}
