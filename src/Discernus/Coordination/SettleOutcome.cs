namespace Discernus.Coordination;

/// <summary>What settling a claimed task did.</summary>
internal enum SettleOutcome
{
    /// <summary>The task was still ours and the settle took effect.</summary>
    Applied,

    /// <summary>
    /// The task was no longer in this worker's processing list: orphan recovery returned it to the queue (this worker
    /// missed its heartbeat) and another worker may hold it. Nothing was pushed; the result is discarded.
    /// </summary>
    NotOwned,

    /// <summary>The claim was removed, but the run had already ended, so no completion signal was pushed.</summary>
    RunEnded,

    /// <summary>
    /// An earlier attempt's reply was lost and the retry found the task gone: either that attempt took effect or the
    /// task was recovered meanwhile. Either way nothing is applied twice.
    /// </summary>
    Uncertain,
}
