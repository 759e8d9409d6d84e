namespace Discernus.Orchestration;

internal sealed record OrchestratorOptions
{
    /// <summary>A stage with no completion for this long fails the run with a diagnosis instead of waiting forever.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long tasks wait for a model endpoint that went away (<c>DISCERNUS_MODEL_OUTAGE_LIMIT_SECONDS</c>): while an
    /// outage is announced the stall timeout is paused; past this (and a grace for the workers' own limit) the run fails.
    /// </summary>
    public TimeSpan ModelOutageLimit { get; init; } = Models.ModelSettings.DefaultOutageLimit;

    /// <summary>How long one blocking wait for a completion lasts before the Orchestrator checks cancel, orphans and stalls.</summary>
    public TimeSpan CompletionWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often claimed tasks of dead workers are put back on the queue while a stage waits.</summary>
    public TimeSpan OrphanCheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most tasks of one stage queued or claimed at a time; the rest are queued as these finish. Bounds what Redis
    /// holds for a run (the embedded server keeps everything in memory) and lets concurrent runs share the workers.
    /// </summary>
    public int QueueWindow { get; init; } = 2000;

    /// <summary>
    /// How many of the newest taken completion signals a run keeps in Redis (run:{id}:completed) once older ones are
    /// counted; far more than one batch of them. The list is otherwise a signal per task of the run (about 500 bytes
    /// each in the embedded server's memory).
    /// </summary>
    public int KeptSignals { get; init; } = 4096;

    /// <summary>How long run state stays in Redis after a run ends (for <c>discernus status</c>).</summary>
    public TimeSpan FinishedStateTtl { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long an ended run's done and completed lists stay (late signals have no reader).</summary>
    public TimeSpan FinishedSignalsTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Expiry of a running run's keys, refreshed while its Orchestrator works: a run nobody finishes or resumes does
    /// not keep its keys forever.
    /// </summary>
    public TimeSpan AbandonedRunTtl { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Unique per host instance: two hosts in one process (or a restarted process) never share a processing list.</summary>
    public string OrchestratorId { get; init; } = $"orchestrator-{HostIdentity.New()}";
}
