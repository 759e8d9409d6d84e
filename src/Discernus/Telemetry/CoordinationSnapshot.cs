namespace Discernus.Telemetry;

/// <summary>The sizes of the coordination lists at one moment, as the gauges report them.</summary>
internal sealed record CoordinationSnapshot
{
    public required long QueuedTasks { get; init; }

    public required long QueuedRunRequests { get; init; }

    /// <summary>Tasks claimed and not yet settled, summed over every processing list.</summary>
    public required long ProcessingTasks { get; init; }

    public required long ProcessingLists { get; init; }

    public required long DeadTasks { get; init; }

    /// <summary>Heartbeat keys alive (agent loops and Orchestrator hosts).</summary>
    public required long LiveWorkers { get; init; }
}
