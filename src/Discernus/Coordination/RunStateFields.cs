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
    public const string RunFolder = "run_folder";

    /// <summary>The run's model calls so far (from its results): what the progress display shows live.</summary>
    public const string ProviderRequests = "provider_requests";

    public const string CacheHits = "cache_hits";

    public const string Retries = "retries";
    public const string ExperimentPath = "experiment_path";

    /// <summary>The id of the Orchestrator executing the run; its worker:{id} heartbeat says whether it is alive.</summary>
    public const string Orchestrator = "orchestrator";

    /// <summary>Identity of the run's artifact store (IArtifactStore.Identity), so workers elsewhere can tell whether they reach it.</summary>
    public const string ArtifactStore = "artifact_store";

    /// <summary>A hash every copy of the run's store holds (the framework): a worker checks it before serving the run.</summary>
    public const string ArtifactProbe = "artifact_probe";

    /// <summary>How many claims workers handed back because they could not reach the run's store, and the last such worker.</summary>
    public const string TasksReleased = "tasks_released";

    public const string ReleasedBy = "released_by";
}
