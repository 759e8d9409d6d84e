namespace Discernus.Orchestration;

/// <summary>How a Discernus process takes part: which Redis, which roles, how many agent loops.</summary>
public sealed record HostOptions
{
    /// <summary><c>DISCERNUS_REDIS_URL</c>; null starts an embedded Garnet server inside the process.</summary>
    public string? RedisUrl { get; init; }

    /// <summary>Key prefix, so one Redis can host several installations (<c>DISCERNUS_REDIS_PREFIX</c>).</summary>
    public string KeyPrefix { get; init; } = "discernus:";

    public bool RunOrchestrator { get; init; } = true;

    public bool RunWorkers { get; init; } = true;

    public RouterOptions Router { get; init; } = new();

    /// <summary>How long a Redis outage is ridden out before this process's loops give up (<c>DISCERNUS_REDIS_OUTAGE_SECONDS</c>).</summary>
    public TimeSpan RedisOutageLimit { get; init; } = Coordination.CoordinationResilience.DefaultOutageLimit;

    public OrchestratorOptions Orchestrator { get; init; } = new();

    /// <summary>Configuration values (.env merged with the environment); keys are read from here, never logged.</summary>
    public required IReadOnlyDictionary<string, string?> Environment { get; init; }

    /// <summary>The artifact store folder when no experiment decides it (workers).</summary>
    public required string ArtifactsDirectory { get; init; }

    /// <summary>Offline models from other assemblies (<c>minilm</c>), each made once per host over its artifact store; the host disposes them.</summary>
    internal IReadOnlyList<Func<Artifacts.IArtifactStore, Models.IOfflineModel>> OfflineModels { get; init; } = [];

    public static HostOptions FromEnvironment(IReadOnlyDictionary<string, string?> environment, string artifactsDirectory)
    {
        var stall = environment.GetValueOrDefault("DISCERNUS_STALL_TIMEOUT_SECONDS");
        var orchestrator = new OrchestratorOptions();
        if (!string.IsNullOrWhiteSpace(stall))
        {
            if (!double.TryParse(stall, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 86_400)
            {
                throw new HostConfigurationException($"DISCERNUS_STALL_TIMEOUT_SECONDS='{stall}' is not a number of seconds between 1 and 86400; set e.g. DISCERNUS_STALL_TIMEOUT_SECONDS=600 or unset it.");
            }

            orchestrator = orchestrator with { StallTimeout = TimeSpan.FromSeconds(seconds) };
        }

        var outage = CoordinationResilienceDefaults(environment.GetValueOrDefault("DISCERNUS_REDIS_OUTAGE_SECONDS"));
        var prefix = environment.GetValueOrDefault("DISCERNUS_REDIS_PREFIX");
        return new HostOptions
        {
            RedisUrl = string.IsNullOrWhiteSpace(environment.GetValueOrDefault("DISCERNUS_REDIS_URL")) ? null : environment["DISCERNUS_REDIS_URL"],
            KeyPrefix = string.IsNullOrWhiteSpace(prefix) ? "discernus:" : prefix,
            Orchestrator = orchestrator,
            RedisOutageLimit = outage,
            Environment = environment,
            ArtifactsDirectory = artifactsDirectory,
        };
    }

    private static TimeSpan CoordinationResilienceDefaults(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Coordination.CoordinationResilience.DefaultOutageLimit;
        }

        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds < 1 || seconds > 86_400)
        {
            throw new HostConfigurationException($"DISCERNUS_REDIS_OUTAGE_SECONDS='{text}' is not a number of seconds between 1 and 86400; set e.g. DISCERNUS_REDIS_OUTAGE_SECONDS=300 or unset it.");
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
