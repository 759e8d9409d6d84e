namespace Discernus.Coordination;

/// <summary>
/// Values of the <c>status</c> field of run:{run_id}:state: <c>queued</c> until an Orchestrator takes the run, then
/// the manifest's status (Provenance.RunStatus). The final ones are those after which a run reads no more signals,
/// the same set as <c>ended</c> in <see cref="RedisScripts"/>.
/// </summary>
internal static class RunStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string CompletedWithFailures = "completed_with_failures";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinal(string? status) => status is Completed or CompletedWithFailures or Failed or Cancelled;
}
