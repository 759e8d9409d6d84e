using Discernus.Health;
using Discernus.Orchestration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Discernus.Application;

/// <summary>What `discernus worker` chose: where the shared artifact store is, how many agent loops, and whether each task runs in its own process.</summary>
public sealed record WorkerChoices(string ArtifactsFolder, int? Concurrency, bool IsolateAgents);

/// <summary>
/// A worker: the host's agent loops serving tasks from the external Redis, without an Orchestrator (the run's submitter
/// has one). It lives as long as its loops; <see cref="Failed"/> ends with the reason one of them could not go on.
/// </summary>
public sealed class WorkerSession : IAsyncDisposable
{
    private readonly DiscernusHost _host;

    private WorkerSession(DiscernusHost host) => _host = host;

    public static async Task<WorkerSession> StartAsync(WorkspaceOptions options, WorkerChoices choices, ILogger logger, CancellationToken cancellationToken)
    {
        var hostOptions = RunSession.HostOptionsFor(options, choices.ArtifactsFolder, new RunHostChoices(choices.Concurrency, IsolateAgents: choices.IsolateAgents)) with { RunOrchestrator = false };
        return new WorkerSession(await DiscernusHost.StartAsync(hostOptions, options.TimeProvider, logger, cancellationToken).ConfigureAwait(false));
    }

    public int Loops => _host.Options.Router.Concurrency;

    public bool IsolatesAgents => _host.Options.Router.Isolation.Mode == AgentIsolationMode.Process;

    public string RedisDescription => _host.RedisDescription;

    public string StoreDescription => _host.Store.Description;

    public string StoreIdentity => _host.Store.Identity;

    /// <summary>Set when the Redis may evict keys (and with them queued tasks and claims): what to change.</summary>
    public string? EvictionWarning => _host.EvictionWarning;

    /// <summary>Completes (faulted) when a loop cannot go on; a worker without its loops serves nothing.</summary>
    public Task Failed => _host.Failed;

    public string FailureReason => _host.LoopFailure?.Message ?? "a loop ended";

    /// <summary>The liveness and readiness checks of this worker, for a health endpoint.</summary>
    public IReadOnlyList<HealthCheckRegistration> HealthChecks() => WorkerHealth.Registrations(_host);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
