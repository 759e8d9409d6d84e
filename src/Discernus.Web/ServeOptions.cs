using Discernus.Application;
using Discernus.Artifacts;
using Discernus.Models;
using Discernus.Web.Security;

namespace Discernus.Web;

/// <summary>How `discernus serve` runs: which folder it shows, where it listens, and the secret a wider bind needs.</summary>
public sealed record ServeOptions
{
    /// <summary>The address bound when no <c>--host</c> is given: loopback only, as Jupyter and Hangfire's dashboard default to.</summary>
    public const string DefaultHost = "127.0.0.1";

    public const int DefaultPort = 5000;

    /// <summary>Absolute path of the folder that holds the experiment folders; no request reaches anything outside it.</summary>
    public required string ProjectsDirectory { get; init; }

    public string Host { get; init; } = DefaultHost;

    /// <summary>0 picks a free port (tests).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Required of every request when <see cref="Host"/> is not loopback; null on a loopback bind.</summary>
    public string? AccessToken { get; init; }

    /// <summary>Configuration values (.env merged with the environment), as the CLI read them.</summary>
    public required IReadOnlyDictionary<string, string?> Environment { get; init; }

    /// <summary>Offline models the command ships beyond lexicon (minilm), for runs started from the page.</summary>
    public IReadOnlyList<Func<IArtifactStore, IOfflineModel>> OfflineModels { get; init; } = [];

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// How long a request waits for a folder's first validation before the page shows it as being validated; every
    /// later request is served from the last result at once (<see cref="Application.ValidationCache"/>).
    /// </summary>
    public TimeSpan RequestBudget { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A folder's files are looked at again (in the background) at most this often.</summary>
    public TimeSpan ValidationFreshness { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest any request may take (ASP.NET Core's request timeouts; the live progress stream is exempt).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>What the application layer (runs, validation) takes of these options.</summary>
    public WorkspaceOptions Workspace => new()
    {
        Environment = Environment,
        OfflineModels = OfflineModels,
        TimeProvider = TimeProvider,
        RequestBudget = RequestBudget,
        ValidationFreshness = ValidationFreshness,
    };

    public bool IsLoopback => ServeSecurity.IsLoopbackHost(Host);

    /// <summary>The options for <paramref name="host"/>: a loopback bind needs no token, any other gets a fresh one.</summary>
    public static ServeOptions For(string projectsDirectory, string? host, int port, IReadOnlyDictionary<string, string?> environment)
    {
        var bind = string.IsNullOrWhiteSpace(host) ? DefaultHost : host.Trim();
        return new ServeOptions
        {
            ProjectsDirectory = Path.GetFullPath(projectsDirectory),
            Host = bind,
            Port = port,
            AccessToken = ServeSecurity.IsLoopbackHost(bind) ? null : ServeSecurity.NewToken(),
            Environment = environment,
        };
    }
}
