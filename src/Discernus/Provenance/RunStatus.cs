namespace Discernus.Provenance;

internal static class RunStatus
{
    public const string SettingUp = "setting_up";
    public const string Pending = "pending";
    public const string Running = "running";
    public const string SetUp = "set_up";
    public const string Completed = "completed";
    public const string CompletedWithFailures = "completed_with_failures";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinal(string status) => status is Completed or CompletedWithFailures or Failed or Cancelled or SetUp;
}

internal static class StageNames
{
    public const string Validation = "validation";
    public const string RunSetup = "run_setup";

    /// <summary>Only in runs started with `--pretest N`: a seeded sample analysed and judged before the full corpus.</summary>
    public const string Pretest = "pretest";
    public const string BatchAnalysis = "batch_analysis";
    public const string Synthesis = "synthesis";
    public const string Report = "report";

    public static readonly IReadOnlyList<string> InOrder = [Validation, RunSetup, BatchAnalysis, Synthesis, Report];

    public static string Title(string stage) => stage switch
    {
        Validation => "VALIDATION",
        RunSetup => "RUN SETUP",
        Pretest => "PRE-TEST",
        BatchAnalysis => "BATCH ANALYSIS",
        Synthesis => "SYNTHESIS",
        Report => "REPORT",
        _ => stage.ToUpperInvariant(),
    };
}
