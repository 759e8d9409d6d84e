namespace Discernus.Coordination;

/// <summary>Counts of task:{id}:data and task:{id}:attempts keys, and how many outlived their run.</summary>
internal sealed record AuditedTaskKeys
{
    public required long Data { get; init; }

    public required long Attempts { get; init; }

    /// <summary>Task keys of runs whose state says they ended: a settled task's keys are deleted with its ack, so these are leftovers.</summary>
    public required long OfEndedRuns { get; init; }

    /// <summary>Task keys of runs that have no state at all (expired or deleted): nobody will read them.</summary>
    public required long OfUnknownRuns { get; init; }
}
