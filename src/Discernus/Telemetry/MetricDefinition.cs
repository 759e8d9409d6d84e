namespace Discernus.Telemetry;

/// <summary>One instrument of the <c>Discernus</c> meter, as declared in code and documented in docs/operations.md.</summary>
internal sealed record MetricDefinition
{
    public required string Name { get; init; }

    public required MetricKind Kind { get; init; }

    /// <summary>UCUM unit; <c>s</c> for durations, an annotation such as <c>{task}</c> for counts.</summary>
    public required string Unit { get; init; }

    public required string Description { get; init; }

    /// <summary>The attributes it is recorded with (low cardinality only: no run or task ids, except the run gauges).</summary>
    public IReadOnlyList<string> Attributes { get; init; } = [];

    /// <summary>
    /// The name a Prometheus scrape shows: dots become underscores, the unit <c>s</c> becomes <c>_seconds</c>, annotations
    /// (<c>{task}</c>) add nothing, and counters end in <c>_total</c>; histograms add <c>_bucket</c>, <c>_sum</c> and
    /// <c>_count</c> to it. The worker test checks these against a real scrape of <c>/metrics</c>.
    /// </summary>
    public string PrometheusName
    {
        get
        {
            var name = Name.Replace('.', '_');
            if (Unit == "s")
            {
                name += "_seconds";
            }

            return Kind == MetricKind.Counter ? name + "_total" : name;
        }
    }
}
