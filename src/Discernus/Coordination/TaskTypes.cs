namespace Discernus.Coordination;

/// <summary>The task_type values of the task contracts; the Router dispatches on them.</summary>
internal static class TaskTypes
{
    public const string AnalyseDocument = "analyse_document";
    public const string SynthesizeResults = "synthesize_results";
    public const string GenerateReport = "generate_report";

    public static IReadOnlyList<string> All { get; } = [AnalyseDocument, SynthesizeResults, GenerateReport];

    public static bool IsKnown(string? taskType) => taskType is AnalyseDocument or SynthesizeResults or GenerateReport;
}
