namespace Discernus.Coordination;

/// <summary>Field names of the run:{run_id}:state hash.</summary>
internal static class RunStateFields
{
    public const string Stage = "stage";
    public const string Status = "status";
    public const string Total = "total";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string CancelRequested = "cancel_requested";
    public const string Error = "error";
    public const string UpdatedAt = "updated_at";
}
