namespace Discernus.Web.Projects;

/// <summary>One dimension's line of the run page's statistics table (from results/synthesis/statistics.json).</summary>
public sealed record StatisticsRow(string Dimension, int N, double? Mean, double? Sd, double? CiLower, double? CiUpper, double? Median, double? MeanSalience, double? MeanConfidence);
