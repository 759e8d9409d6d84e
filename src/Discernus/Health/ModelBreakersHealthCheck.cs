using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Discernus.Health;

/// <summary>
/// The fail-fast breakers of this process's models. An open breaker makes the check degraded, not unhealthy: the worker
/// still serves the tasks of other models, and the breaker lets a trial call through after its break, so restarting or
/// removing the worker would not help. The open models are named so an operator sees which endpoint to fix.
/// </summary>
internal sealed class ModelBreakersHealthCheck(Func<IEnumerable<KeyValuePair<string, bool>>> breakers) : IHealthCheck
{
    public const string Name = "model_breakers";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var all = breakers().ToList();
        var open = all.Where(b => b.Value).Select(b => b.Key).Order(StringComparer.Ordinal).ToList();
        var data = all.ToDictionary(b => b.Key, b => (object)(b.Value ? "open" : "closed"), StringComparer.Ordinal);
        return Task.FromResult(open.Count > 0
            ? HealthCheckResult.Degraded($"circuit breaker open for {string.Join(", ", open)}: its calls fail at once until the endpoint answers again", data: data)
            : HealthCheckResult.Healthy(all.Count == 0 ? "no hosted model called yet" : $"{all.Count} breaker(s) closed", data));
    }
}
