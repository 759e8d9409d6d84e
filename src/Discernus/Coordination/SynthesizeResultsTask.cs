namespace Discernus.Coordination;

/// <summary>Contract of a synthesize_results task: statistics and synthesis over every analysis result of a run.</summary>
internal sealed record SynthesizeResultsTask : ITaskContract
{
    public static string ContractTaskType => TaskTypes.SynthesizeResults;

    public string TaskType { get; init; } = TaskTypes.SynthesizeResults;

    public required string RunId { get; init; }

    public required string TaskId { get; init; }

    /// <summary>
    /// The artifact listing the analysis results to synthesise, one hash a line in task order
    /// (<c>Discernus.Agents.AnalysisResultIndex</c>): a reference, so the contract stays small however many there are.
    /// </summary>
    public required string AnalysisResultsIndex { get; init; }

    /// <summary>How many results the index lists; the agent checks the index against it.</summary>
    public required int AnalysisResultCount { get; init; }

    public required string FrameworkHash { get; init; }

    public required string PromptHash { get; init; }

    public required string Model { get; init; }

    /// <summary>Optional context for the interpretation (experiment name, grouping fields, hypotheses); never scores.</summary>
    public SynthesisParams? Params { get; init; }

    /// <summary>
    /// W3C trace context of the stage that queued the task, so the worker's span joins the run's trace; null when the
    /// Orchestrator traced nothing. Never used for anything but telemetry.
    /// </summary>
    public string? Traceparent { get; init; }
}
