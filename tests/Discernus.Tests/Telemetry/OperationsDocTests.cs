using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Health;
using Discernus.Telemetry;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Telemetry;

/// <summary>docs/operations.md is what an operator builds dashboards from: it must name what the code emits.</summary>
public sealed class OperationsDocTests
{
    private static readonly string Text = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "operations.md"));

    [Fact]
    public void EveryMetric_IsDocumented_WithItsPrometheusName()
    {
        Assert.All(DiscernusMetrics.Definitions, d =>
        {
            Assert.Contains($"`{d.Name}`", Text, StringComparison.Ordinal);
            Assert.Contains($"`{d.PrometheusName}`", Text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void EverySpanAttributeAndHealthPath_IsDocumented()
    {
        foreach (var name in new[]
                 {
                     DiscernusActivities.RunIdAttribute, DiscernusActivities.TaskIdAttribute, DiscernusActivities.TaskTypeAttribute, DiscernusActivities.StageAttribute,
                     DiscernusActivities.WorkerIdAttribute, DiscernusActivities.AttemptAttribute, DiscernusActivities.OutcomeAttribute, DiscernusActivities.AdoptedAttribute,
                     WorkerHealth.LivenessPath, WorkerHealth.ReadinessPath, RedisHealthCheck.Name, ArtifactStoreHealthCheck.Name, ModelBreakersHealthCheck.Name, HostLoopsHealthCheck.Name,
                     TelemetryOptions.OtlpEndpointVariable, TelemetryOptions.SpanFileVariable, TelemetryOptions.MetricsPortVariable, TelemetryOptions.HealthPortVariable,
                 })
        {
            Assert.Contains($"`{name}`", Text, StringComparison.Ordinal);
        }
    }
}
