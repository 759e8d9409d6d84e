using Discernus.Orchestration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Discernus.Health;

/// <summary>
/// Liveness: the process's loops (agent loops, Orchestrator) are running. A loop that ended on an error makes it
/// unhealthy with the reason; the process then exits on its own, and the probe covers the time until it does (or a
/// process that hangs instead).
/// </summary>
internal sealed class HostLoopsHealthCheck(DiscernusHost host) : IHealthCheck
{
    public const string Name = "loops";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(host.LoopFailure is { } failure
            ? HealthCheckResult.Unhealthy($"a loop stopped: {failure.Message}")
            : host.LoopsRunning
                ? HealthCheckResult.Healthy("the loops are running")
                : HealthCheckResult.Unhealthy("the loops have ended"));
}
