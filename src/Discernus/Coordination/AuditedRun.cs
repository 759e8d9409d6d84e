namespace Discernus.Coordination;

/// <summary>A run:{id}:state hash whose status is not final: a run queued, running, or abandoned by its Orchestrator.</summary>
internal sealed record AuditedRun
{
    public required string RunId { get; init; }

    public string? Status { get; init; }

    public string? Stage { get; init; }

    public int? Total { get; init; }

    public int? Completed { get; init; }

    public int? Failed { get; init; }

    public bool CancelRequested { get; init; }

    /// <summary>The Orchestrator recorded as executing the run, or null before one took it.</summary>
    public string? Orchestrator { get; init; }

    /// <summary>Whether that Orchestrator's heartbeat exists; null when no Orchestrator is recorded.</summary>
    public bool? OrchestratorAlive { get; init; }

    public string? UpdatedAt { get; init; }

    public string? RunFolder { get; init; }
}
