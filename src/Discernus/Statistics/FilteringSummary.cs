namespace Discernus.Statistics;

/// <summary>
/// What <c>reliability_filtering</c> and <c>advanced_filtering</c> left out of the statistics. An observation is one
/// dimension of one analysis (document × model × run); an excluded one counts as missing everywhere, and derived
/// metrics that read it have no value for that analysis.
/// </summary>
/// <param name="ReliabilityCalculation">How reliability was computed: confidence_x_salience, confidence or salience.</param>
/// <param name="Observations">Scored observations before filtering.</param>
/// <param name="Excluded">Observations left out.</param>
/// <param name="AnalysesFullyExcluded">Analyses with every dimension left out: they contribute nothing.</param>
internal sealed record FilteringSummary(
    double? SalienceThreshold,
    double? ConfidenceThreshold,
    double? ReliabilityThreshold,
    string ReliabilityCalculation,
    int Observations,
    int Excluded,
    int AnalysesFullyExcluded,
    IReadOnlyList<DimensionFiltering> Dimensions);

/// <summary>One dimension's share of the filtering; an observation below several thresholds counts under each.</summary>
/// <param name="ExcludedByName">The dimension is in <c>advanced_filtering.exclude_dimensions</c>.</param>
/// <param name="IncludedByName">The dimension is in <c>include_dimensions</c>: kept whatever its thresholds.</param>
internal sealed record DimensionFiltering(
    string Name,
    int Observations,
    int Excluded,
    int BelowSalience,
    int BelowConfidence,
    int BelowReliability,
    int BelowDimensionThreshold,
    bool ExcludedByName,
    bool IncludedByName);
