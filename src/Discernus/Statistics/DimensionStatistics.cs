namespace Discernus.Statistics;

/// <summary>Statistics of one framework dimension over the documents.</summary>
/// <param name="Score">Of the per-document scores (raw_score).</param>
/// <param name="MeanSalience">Mean of the per-document salience values present; null when none.</param>
/// <param name="MeanConfidence">Mean of the per-document confidence values present; null when none.</param>
internal sealed record DimensionStatistics(
    string Name,
    SummaryStatistics Score,
    double? MeanSalience,
    double? MeanConfidence);
