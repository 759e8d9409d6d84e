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
}
