namespace Discernus.Orchestration;

/// <summary>What <see cref="Doctor"/> checks: the configuration values and, optionally, the experiment a run would use.</summary>
internal sealed record DoctorOptions
{
    /// <summary>The process's settings; secrets are read from here, never printed.</summary>
    public required DiscernusSettings Settings { get; init; }

    /// <summary>
    /// An experiment folder: the store and models checked are the ones <c>discernus run</c> of it would use. Without
    /// one, the store is <c>DISCERNUS_ARTIFACTS_DIR</c> or the folder a <c>discernus worker</c> started here would use.
    /// </summary>
    public string? ExperimentPath { get; init; }

    /// <summary>Where a worker started here keeps its folder store when <c>DISCERNUS_ARTIFACTS_DIR</c> is unset.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>How long the Redis connection may take before the server counts as unreachable.</summary>
    public TimeSpan RedisConnectLimit { get; init; } = TimeSpan.FromSeconds(10);
}
