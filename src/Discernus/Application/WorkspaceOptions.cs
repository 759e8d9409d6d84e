using Discernus.Artifacts;
using Discernus.Models;

namespace Discernus.Application;

/// <summary>
/// What the application layer needs of its host, whichever front end it is (the CLI or `discernus serve`): the
/// configuration values, the offline models the host ships, its clock, and how long a request may wait for validation.
/// </summary>
public sealed record WorkspaceOptions
{
    private readonly IReadOnlyDictionary<string, string?> _environment = Configuration.SettingValues.Empty;

    /// <summary>Configuration values (.env merged with the environment), as the host read them; typed once here.</summary>
    public required IReadOnlyDictionary<string, string?> Environment
    {
        get => _environment;
        init
        {
            _environment = value;
            Settings = Orchestration.DiscernusSettings.From(value);
        }
    }

    /// <summary>Where runs coordinate: <c>DISCERNUS_REDIS_URL</c> (none: an embedded server per run) and its key prefix.</summary>
    public Configuration.RedisSettings Redis => Settings.Redis;

    /// <summary>The folder store of a worker started in <paramref name="workingDirectory"/> (<c>DISCERNUS_ARTIFACTS_DIR</c>, else <c>.discernus/artifacts</c> there).</summary>
    public string WorkerStoreFolder(string workingDirectory) => Settings.WorkerStoreFolder(workingDirectory);

    /// <summary>The typed settings made of <see cref="Environment"/>, which every part of the library takes.</summary>
    internal Orchestration.DiscernusSettings Settings { get; private init; } = Orchestration.DiscernusSettings.Defaults;

    /// <summary>Offline models the host ships beyond lexicon (minilm), for the runs it starts.</summary>
    public IReadOnlyList<Func<IArtifactStore, IOfflineModel>> OfflineModels { get; init; } = [];

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The program whose `agent` command runs one task in a child process (the CLI); null where agents cannot be isolated.</summary>
    public System.Reflection.Assembly? AgentProgram { get; init; }

    /// <summary>How long a request waits for a folder's first validation before it is shown as being validated.</summary>
    public TimeSpan RequestBudget { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A folder's files are looked at again (in the background) at most this often.</summary>
    public TimeSpan ValidationFreshness { get; init; } = TimeSpan.FromSeconds(2);
}
