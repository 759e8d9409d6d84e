using Discernus.Artifacts;
using Discernus.Models;

namespace Discernus.Application;

/// <summary>
/// What the application layer needs of its host, whichever front end it is (the CLI or `discernus serve`): the
/// configuration values, the offline models the host ships, its clock, and how long a request may wait for validation.
/// </summary>
public sealed record WorkspaceOptions
{
    /// <summary>Configuration values (.env merged with the environment), as the host read them.</summary>
    public required IReadOnlyDictionary<string, string?> Environment { get; init; }

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
