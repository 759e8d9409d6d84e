namespace Discernus.Coordination;

/// <summary>A processing:{worker} list: what one worker (or Orchestrator) has claimed and not yet settled.</summary>
internal sealed record AuditedProcessingList
{
    public required string WorkerId { get; init; }

    public required long Items { get; init; }

    /// <summary>No live heartbeat: the items wait for orphan recovery (any running Orchestrator does it) or a reset.</summary>
    public required bool Orphaned { get; init; }
}
