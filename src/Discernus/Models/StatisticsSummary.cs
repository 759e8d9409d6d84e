namespace Discernus.Models;

/// <summary>The few facts the lexicon synthesis reports, read from the statistics JSON by <see cref="StatisticsSummaryReader"/>.</summary>
internal sealed record StatisticsSummary(
    IReadOnlyDictionary<string, double> Means,
    StatisticsSummary.Correlation? StrongestCorrelation,
    StatisticsSummary.GroupDifference? LargestGroupDifference)
{
    internal sealed record Correlation(string First, string Second, double R);

    internal sealed record GroupDifference(string Dimension, string? GroupA, string? GroupB, double Difference);
}
