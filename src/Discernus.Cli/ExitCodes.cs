namespace Discernus.Cli;

/// <summary>One exit code per kind of outcome, the same for every command (listed in <c>--help</c> and the user guide).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int FileMissing = 3;
    public const int RunFailed = 4;
    public const int Invalid = 5;
    public const int CompletedWithFailures = 6;
    public const int Cancelled = 130;

    /// <summary>The kind of an exit code as JSON output names it.</summary>
    public static string Kind(int code) => code switch
    {
        Success => "success",
        Failure => "environment_error",
        Usage => "usage_error",
        FileMissing => "file_missing",
        RunFailed => "run_failed",
        Invalid => "invalid",
        CompletedWithFailures => "completed_with_failures",
        Cancelled => "cancelled",
        _ => "unknown",
    };

    /// <summary>The table shown at the end of <c>discernus --help</c>.</summary>
    public const string Help = """
        Exit codes (the same for every command):
          0  success
          1  an error outside the experiment: Redis unreachable, artifact store unusable, a bad setting
          2  bad usage: unknown option or bad value
          3  a file or folder is missing or unreadable, including a path that is not a run folder (no manifest.json)
          4  the run failed (the manifest says why)
          5  blocking validation problems, a model that cannot be used, or files that differ from the manifest (verify)
          6  the run completed, but some documents failed
          130 cancelled (Ctrl-C)
        """;
}
