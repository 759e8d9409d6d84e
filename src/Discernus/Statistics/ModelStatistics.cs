namespace Discernus.Statistics;

/// <summary>Statistics of the documents as one model scored them (its runs averaged per document).</summary>
/// <param name="Documents">Number of documents this model analysed.</param>
internal sealed record ModelStatistics(
    string Model,
    int Documents,
    IReadOnlyList<MetricStatistics> Dimensions,
    IReadOnlyList<MetricStatistics> DerivedMetrics);
