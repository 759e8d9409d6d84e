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

    /// <summary>
    /// The execution that wrote the state (a new value for each Orchestrator that executes the run): an Orchestrator
    /// that finds its run's state without it, or with another one, knows Redis lost the run (a restart without
    /// persistence, `debug --reset`, an eviction) and rebuilds it from the run folder.
    /// </summary>
    public const string Epoch = "epoch";

    /// <summary>An endpoint a worker waits for on behalf of this run (written by the worker whose breaker opened).</summary>
    public const string OutageEndpoint = "outage_endpoint";

    public const string OutageModel = "outage_model";

    public const string OutageCause = "outage_cause";

    /// <summary>When the worker's breaker opened (ISO 8601 UTC): the Orchestrator announces each outage once.</summary>
    public const string OutageSince = "outage_since";

    /// <summary>How many notices the Orchestrator wrote for people watching the run (<c>notice:{n}</c>, from 1).</summary>
    public const string Notices = "notices";

    /// <summary>The field of notice <paramref name="n"/>: one line a watching `discernus run` prints once.</summary>
    public static string Notice(long n) => "notice:" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
