using Discernus.Statistics;

namespace Discernus.Offline.Lexicon;

/// <summary>
/// Picks from <see cref="CorpusStatistics"/> what the lexicon synthesis reports: the dimensions ranked by mean score
/// (ties in framework order), the correlation with the largest |r| between two different dimensions (ties: first in
/// matrix order), and the grouping field and dimension whose highest and lowest group means differ most. It returns
/// only values that are themselves in the statistics (means and r, never a computed difference), so every number in the
/// synthesis passes the report's check against the statistics.
/// </summary>
internal static class StatisticsSummaryReader
{
    public static StatisticsSummary Read(CorpusStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var ranked = statistics.Dimensions
            .Select((d, index) => (d.Name, d.Score.Mean, index))
            .Where(d => d.Mean is { } m && double.IsFinite(m))
            .OrderByDescending(d => d.Mean)
            .ThenBy(d => d.index)
            .Select(d => new StatisticsSummary.DimensionMean(d.Name, d.Mean!.Value))
            .ToList();

        StatisticsSummary.Correlation? strongest = null;
        var matrix = statistics.Correlations;
        for (var i = 0; i < matrix.Dimensions.Count; i++)
        {
            for (var j = i + 1; j < matrix.Dimensions.Count; j++)
            {
                if (matrix.Coefficients[i][j] is { } r && double.IsFinite(r) && (strongest is null || Math.Abs(r) > Math.Abs(strongest.R)))
                {
                    strongest = new StatisticsSummary.Correlation(matrix.Dimensions[i], matrix.Dimensions[j], r, matrix.Counts[i][j]);
                }
            }
        }

        StatisticsSummary.GroupDifference? largest = null;
        foreach (var comparison in statistics.Groups)
        {
            foreach (var dimension in statistics.Dimensions.Select(d => d.Name))
            {
                var means = comparison.Groups
                    .Select(g => (g.Value, Mean: g.Dimensions.FirstOrDefault(m => m.Name == dimension)?.Summary.Mean))
                    .Where(g => g.Mean is { } m && double.IsFinite(m))
                    .Select(g => (g.Value, Mean: g.Mean!.Value))
                    .ToList();
                if (means.Count < 2)
                {
                    continue;
                }

                var high = means.OrderByDescending(g => g.Mean).ThenBy(g => g.Value, StringComparer.Ordinal).First();
                var low = means.OrderBy(g => g.Mean).ThenBy(g => g.Value, StringComparer.Ordinal).First();
                if (high.Mean > low.Mean && (largest is null || high.Mean - low.Mean > largest.HighMean - largest.LowMean))
                {
                    largest = new StatisticsSummary.GroupDifference(comparison.Field, dimension, high.Value, high.Mean, low.Value, low.Mean);
                }
            }
        }

        return new StatisticsSummary(ranked, strongest, largest);
    }
}
