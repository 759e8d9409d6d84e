using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Orchestration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Discernus.Health;

/// <summary>
/// The checks of a worker's health endpoint, by probe: <c>/healthz</c> (liveness: the process and its loops) and
/// <c>/readyz</c> (readiness: Redis and the artifact store reachable, model breakers). Paths are constants because the
/// Kubernetes manifests in deploy/ name them; a test checks they agree.
/// </summary>
public static class WorkerHealth
{
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    /// <summary>Each check as a registration (name, check, tags), for ASP.NET Core's health check middleware.</summary>
    internal static IReadOnlyList<HealthCheckRegistration> Registrations(DiscernusHost host) =>
    [
        new(HostLoopsHealthCheck.Name, new HostLoopsHealthCheck(host), HealthStatus.Unhealthy, [LiveTag, ReadyTag]),
        new(RedisHealthCheck.Name, new RedisHealthCheck(() => host.Connections.Database, host.Keys, host.RedisDescription), HealthStatus.Unhealthy, [ReadyTag], Timeout),
        new(ArtifactStoreHealthCheck.Name, new ArtifactStoreHealthCheck(host.Store), HealthStatus.Unhealthy, [ReadyTag], Timeout),
        new(ModelBreakersHealthCheck.Name, new ModelBreakersHealthCheck(() => host.Gateway?.BreakerStates() ?? []), HealthStatus.Degraded, [ReadyTag]),
    ];

    /// <summary>Each check's time limit: a probe must answer before the kubelet's (default 1 s, deploy/ sets 3 s) gives up.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
}
