namespace Discernus.Statistics;

/// <summary>
/// One document's values after averaging over the analyses (models × runs) that cover it.
/// Arrays are indexed like the dimension and derived-metric name lists given to <see cref="StatisticsCalculator"/>.
/// </summary>
internal sealed record DocumentObservation(
    string Key,
    IReadOnlyDictionary<string, string> Metadata,
    double?[] Scores,
    double?[] Salience,
    double?[] Confidence,
    double?[] DerivedMetrics);
