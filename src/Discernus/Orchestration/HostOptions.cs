namespace Discernus.Orchestration;

/// <summary>How a Discernus process takes part: which Redis, which roles, how many agent loops.</summary>
internal sealed record HostOptions
{
    /// <summary><c>DISCERNUS_REDIS_URL</c>; null starts an embedded Garnet server inside the process.</summary>
    public string? RedisUrl { get; init; }

    /// <summary>Without <see cref="RedisUrl"/>: an embedded server started before the host, which the host adopts (and stops) instead of starting one.</summary>
    public Coordination.EmbeddedGarnetStart? EmbeddedServer { get; init; }

    /// <summary>Key prefix, so one Redis can host several installations (<c>DISCERNUS_REDIS_PREFIX</c>).</summary>
    public string KeyPrefix { get; init; } = Configuration.RedisSettings.DefaultPrefix;

    public bool RunOrchestrator { get; init; } = true;

    public bool RunWorkers { get; init; } = true;

    public RouterOptions Router { get; init; } = new();

    /// <summary>How long a Redis outage is ridden out before this process's loops give up (<c>DISCERNUS_REDIS_OUTAGE_SECONDS</c>).</summary>
    public TimeSpan RedisOutageLimit { get; init; } = Coordination.CoordinationResilience.DefaultOutageLimit;

    public OrchestratorOptions Orchestrator { get; init; } = new();

    /// <summary>
    /// What a process does when the external Redis may evict keys (a maxmemory-policy other than noeviction):
    /// refuse to start (the default) or start with a loud warning (<c>DISCERNUS_REDIS_EVICTION=warn</c>).
    /// </summary>
    public bool RefuseEvictingRedis { get; init; } = true;

    /// <summary>The process's settings; keys are read from here, never logged.</summary>
    public required DiscernusSettings Settings { get; init; }

    /// <summary>The artifact store folder when no experiment decides it (workers).</summary>
    public required string ArtifactsDirectory { get; init; }

    /// <summary>Offline models from other assemblies (<c>minilm</c>), each made once per host over its artifact store; the host disposes them and adds the lexicon itself.</summary>
    internal IReadOnlyList<Func<Artifacts.IArtifactStore, Models.IOfflineModel>> OfflineModels { get; init; } = [];

    /// <summary>The host of these settings (Redis, the stall timeout, the outage limit); a malformed value is a <see cref="Configuration.SettingException"/>.</summary>
    public static HostOptions From(DiscernusSettings settings, string artifactsDirectory)
    {
        var defaults = new OrchestratorOptions();
        var redis = settings.Redis;
        return new HostOptions
        {
            RedisUrl = redis.Url,
            KeyPrefix = redis.Prefix,
            Orchestrator = defaults with
            {
                StallTimeout = settings.StallTimeout ?? defaults.StallTimeout,
                ModelOutageLimit = settings.ModelOutageLimit ?? defaults.ModelOutageLimit,
            },
            RedisOutageLimit = redis.OutageLimit ?? Coordination.CoordinationResilience.DefaultOutageLimit,
            RefuseEvictingRedis = redis.RefuseEvicting,
            Settings = settings,
            ArtifactsDirectory = artifactsDirectory,
        };
    }
}
