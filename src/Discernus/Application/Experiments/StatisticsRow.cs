namespace Discernus.Application;

/// <summary>One dimension's line of the run page's statistics table (from results/synthesis/statistics.json).</summary>
/// <param name="Validity">validated, not_validated or unvalidated, as the report and statistics.json say.</param>
/// <param name="ValidityReason">The numbers that decided it (model–human r against the ceiling); null without a gold file.</param>
public sealed record StatisticsRow(string Dimension, int N, double? Mean, double? Sd, double? CiLower, double? CiUpper, double? Median, double? MeanSalience, double? MeanConfidence,
    string Validity, string? ValidityReason);
