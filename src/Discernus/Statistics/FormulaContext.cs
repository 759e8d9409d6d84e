namespace Discernus.Statistics;

/// <summary>Where a formula's references get their values during one evaluation.</summary>
/// <param name="DimensionLookup">(dimension, canonical field) → value, null when absent.</param>
/// <param name="DerivedMetricLookup">derived metric name → its result, null when no such metric is known.</param>
/// <param name="State">The comprehension variables and the step count of this evaluation.</param>
internal readonly record struct FormulaContext(
    Func<string, string, double?> DimensionLookup,
    Func<string, DerivedMetricResult?>? DerivedMetricLookup,
    FormulaEvaluation State);
