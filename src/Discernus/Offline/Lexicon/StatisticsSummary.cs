namespace Discernus.Offline.Lexicon;

/// <summary>The few facts the lexicon synthesis reports, taken from the corpus statistics by <see cref="StatisticsSummaryReader"/>.</summary>
internal sealed record StatisticsSummary(
    IReadOnlyList<StatisticsSummary.DimensionMean> RankedMeans,
    StatisticsSummary.Correlation? StrongestCorrelation,
    StatisticsSummary.GroupDifference? LargestGroupDifference)
{
    internal sealed record DimensionMean(string Dimension, double Mean);

    internal sealed record Correlation(string First, string Second, double R, int N);

    /// <summary>The dimension whose group means are furthest apart within one grouping field: its highest and lowest group.</summary>
    internal sealed record GroupDifference(string Field, string Dimension, string HighGroup, double HighMean, string LowGroup, double LowMean);
}
