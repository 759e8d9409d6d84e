using Discernus.Artifacts;
using Discernus.Batches;
using Discernus.Configuration;
using Discernus.Experiments;
using Discernus.Models;

namespace Discernus.Orchestration;

/// <summary>
/// A process's settings, typed: made once from its resolved values (the project's <c>.env</c>, the environment and
/// flags, each with its source) by the host of the library; every component takes its own part, never the raw
/// values. Each part is read through the setting catalog on first use and kept, so nothing is parsed twice and a
/// command that never opens an S3 store is not refused for a malformed S3 value. The raw values stay for the two
/// things that need them whole: `discernus config` (their sources) and the environment of an agent's child process.
/// </summary>
internal sealed class DiscernusSettings
{
    private readonly Lazy<RedisSettings> _redis;
    private readonly Lazy<ModelSettings> _models;
    private readonly Lazy<ExperimentLimits> _limits;
    private readonly Lazy<BatchOptions> _batches;
    private readonly Lazy<S3ArtifactStoreOptions?> _s3;
    private readonly Lazy<string> _storeBackend;
    private readonly Lazy<TimeSpan?> _stallTimeout;
    private readonly Lazy<TimeSpan?> _modelOutageLimit;
    private readonly Lazy<TimeSpan?> _agentTimeout;

    private DiscernusSettings(SettingValues values)
    {
        Values = values;
        _redis = new(() => SettingCatalog.Redis(values));
        _models = new(() => ModelSettings.FromValues(values));
        _limits = new(() => ExperimentLimits.FromEnvironment(values));
        _batches = new(() => BatchOptions.FromValues(values));
        _storeBackend = new(() => values.Text(ArtifactStoreOptions.BackendVariable)?.ToLowerInvariant() ?? "folder");
        _s3 = new(() => StoreBackend == "s3" ? S3ArtifactStoreOptions.FromEnvironment(values) : null);
        _stallTimeout = new(() => SettingCatalog.WholeSeconds(values, SettingNames.StallTimeoutSeconds));
        _modelOutageLimit = new(() => SettingCatalog.WholeSeconds(values, ModelSettings.OutageLimitVariable));
        _agentTimeout = new(() => SettingCatalog.WholeSeconds(values, SettingNames.AgentTimeoutSeconds));
    }

    /// <summary>The settings of exactly these values (a process's resolved values; tests and embedding give their own).</summary>
    public static DiscernusSettings From(IReadOnlyDictionary<string, string?> values) =>
        new(values as SettingValues ?? SettingValues.From(values));

    /// <summary>No value set: every default.</summary>
    public static DiscernusSettings Defaults { get; } = new(SettingValues.Empty);

    /// <summary>The resolved values with their sources: for `discernus config` and an agent child process's environment only.</summary>
    public SettingValues Values { get; }

    public RedisSettings Redis => _redis.Value;

    public ModelSettings Models => _models.Value;

    public ExperimentLimits Limits => _limits.Value;

    public BatchOptions Batches => _batches.Value;

    /// <summary><c>DISCERNUS_MODEL</c>: the model of runs whose experiment names none and that get no <c>--model</c>.</summary>
    public string? DefaultModel => Values.Text(SettingNames.DefaultModel);

    /// <summary><c>DISCERNUS_STALL_TIMEOUT_SECONDS</c>, when set.</summary>
    public TimeSpan? StallTimeout => _stallTimeout.Value;

    /// <summary><c>DISCERNUS_MODEL_OUTAGE_LIMIT_SECONDS</c>, when set.</summary>
    public TimeSpan? ModelOutageLimit => _modelOutageLimit.Value;

    /// <summary><c>DISCERNUS_AGENT_TIMEOUT_SECONDS</c>, when set: how long an isolated agent's child process may run.</summary>
    public TimeSpan? AgentTimeout => _agentTimeout.Value;

    /// <summary><c>DISCERNUS_ARTIFACT_STORE</c>: <c>folder</c> (the default) or <c>s3</c>.</summary>
    public string StoreBackend => _storeBackend.Value;

    /// <summary><c>DISCERNUS_ARTIFACTS_DIR</c> as a full path, when set.</summary>
    public string? StoreFolder => Values.Text(SettingCatalog.StoreFolderVariable) is { } folder ? Path.GetFullPath(folder) : null;

    /// <summary>The folder store of a worker started in <paramref name="workingDirectory"/>: <c>DISCERNUS_ARTIFACTS_DIR</c>, else <c>.discernus/artifacts</c> there.</summary>
    public string WorkerStoreFolder(string workingDirectory) =>
        StoreFolder ?? Path.GetFullPath(SettingCatalog.DefaultStoreFolderIn(workingDirectory));

    /// <summary>The store with <paramref name="folderPath"/> as its folder (a worker's, or the one a host was given).</summary>
    public ArtifactStoreOptions Store(string folderPath) =>
        new() { FolderPath = folderPath, Backend = StoreBackend, S3 = _s3.Value };

    /// <summary>
    /// The store of runs of the experiment in <paramref name="experimentDirectory"/>: <c>DISCERNUS_ARTIFACTS_DIR</c>, else
    /// <c>.discernus/artifacts</c> in the folder that holds the experiment folders.
    /// </summary>
    public ArtifactStoreOptions StoreFor(string experimentDirectory) =>
        Store(StoreFolder ?? SettingCatalog.DefaultStoreFolderIn(Path.GetDirectoryName(Path.GetFullPath(experimentDirectory).TrimEnd(Path.DirectorySeparatorChar)) ?? "."));
}
