namespace Discernus.Coordination;

/// <summary>Contract of a generate_report task.</summary>
internal sealed record GenerateReportTask : ITaskContract
{
    public static string ContractTaskType => TaskTypes.GenerateReport;

    public string TaskType { get; init; } = TaskTypes.GenerateReport;

    public required string RunId { get; init; }

    public required string TaskId { get; init; }

    public required string SynthesisHash { get; init; }

    public required string StatisticsHash { get; init; }

    public required string ManifestHash { get; init; }

    public required string PromptHash { get; init; }

    /// <summary>
    /// W3C trace context of the stage that queued the task, so the worker's span joins the run's trace; null when the
    /// Orchestrator traced nothing. Never used for anything but telemetry.
    /// </summary>
    public string? Traceparent { get; init; }
}
