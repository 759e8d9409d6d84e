namespace Discernus.Coordination;

/// <summary>Contract of an analyse_document task: one document, one model call.</summary>
internal sealed record AnalyseDocumentTask : ITaskContract
{
    public static string ContractTaskType => TaskTypes.AnalyseDocument;

    public string TaskType { get; init; } = TaskTypes.AnalyseDocument;

    public required string RunId { get; init; }

    public required string TaskId { get; init; }

    public required string FrameworkHash { get; init; }

    public required string DocumentHash { get; init; }

    public required string DocumentName { get; init; }

    public required string PromptHash { get; init; }

    public required string Model { get; init; }

    public required AnalysisParams Params { get; init; }

    /// <summary>
    /// W3C trace context of the stage that queued the task, so the worker's span joins the run's trace; null when the
    /// Orchestrator traced nothing. Never used for anything but telemetry.
    /// </summary>
    public string? Traceparent { get; init; }
}
