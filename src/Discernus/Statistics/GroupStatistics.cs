namespace Discernus.Statistics;

/// <summary>The documents sharing one value of a grouping field.</summary>
/// <param name="N">Number of documents in the group.</param>
internal sealed record GroupStatistics(
    string Value,
    int N,
    IReadOnlyList<MetricStatistics> Dimensions,
    IReadOnlyList<MetricStatistics> DerivedMetrics);
