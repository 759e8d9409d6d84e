namespace Discernus.Coordination;

/// <summary>Values of the <c>status</c> field of run:{run_id}:state.</summary>
internal static class RunStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinal(string? status) => status is Succeeded or Failed or Cancelled;
}
