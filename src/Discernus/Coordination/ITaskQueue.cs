namespace Discernus.Coordination;

/// <summary>
/// A Redis list of task ids with their contracts stored beside them. Producers enqueue; consumers claim into their
/// own processing list and settle each claim (ack, requeue or dead-letter), so a crash never loses a task.
/// </summary>
internal interface ITaskQueue
{
    /// <summary>The key of the list this queue serves (<c>tasks</c> or <c>orchestrator.tasks</c>).</summary>
    string SourceList { get; }

    /// <summary>Stores the contract at task:{id}:data (with a TTL), resets the attempt counter, then pushes the id.</summary>
    Task EnqueueAsync(string taskId, string contractJson, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the contracts and pushes the ids of many tasks, pipelined (one round trip per batch rather than per
    /// task); each task is stored before its id is pushed.
    /// </summary>
    Task EnqueueManyAsync(IReadOnlyList<(string TaskId, string ContractJson)> items, CancellationToken cancellationToken = default);

    /// <summary>Which of these tasks are still queued or claimed (their contract exists: it is deleted when a task is settled for good).</summary>
    Task<IReadOnlySet<string>> FindQueuedAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits up to <paramref name="wait"/> for a task and moves it to processing:{workerId}. Returns null when the
    /// queue stayed empty; throws <see cref="OperationCanceledException"/> when the token fires. Use one claim loop
    /// per worker id. <see cref="TimeSpan.Zero"/> makes a single non-blocking attempt.
    /// </summary>
    Task<IClaimedTask?> ClaimAsync(string workerId, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="ClaimAsync"/>, but takes up to <paramref name="max"/> waiting tasks in one round trip (short
    /// tasks); waits only when none is waiting, then returns the one that arrives. Empty when the queue stayed empty.
    /// </summary>
    Task<IReadOnlyList<IClaimedTask>> ClaimManyAsync(string workerId, int max, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>Acknowledges several claims of this queue in one round trip; each acts only if still claimed.</summary>
    Task<IReadOnlyList<SettleOutcome>> AckManyAsync(IReadOnlyList<(IClaimedTask Task, CompletionSignal Signal, string RunId)> acks, CancellationToken cancellationToken = default);

    /// <summary>Moves everything left in processing:{workerId} (from an earlier life of this worker) back to the queue.</summary>
    Task<int> RecoverAsync(string workerId, CancellationToken cancellationToken = default);

    Task<long> GetLengthAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts a claim back that Redis lost (a restart without persistence, a reset): the contract at task:{id}:data and
    /// the id in processing:{workerId}, unless it is there already. The claimer still holds the work; only the record was gone.
    /// </summary>
    Task RestoreClaimAsync(string workerId, string taskId, string contractJson, CancellationToken cancellationToken = default);
}
