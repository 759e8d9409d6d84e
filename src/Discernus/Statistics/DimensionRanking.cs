namespace Discernus.Statistics;

/// <summary>
/// Which dimensions are most and least present, said honestly: dimensions with no signal (no document scored above 0)
/// are left out of the ranking, and dimensions whose means are equal at the reported precision are a tie, never a
/// "most" and a "least". Shared by the report and the lexicon synthesis so both say the same thing.
/// </summary>
internal static class DimensionRanking
{
    /// <summary>A dimension has signal when some document scored it above 0.</summary>
    public static bool HasSignal(DimensionStatistics dimension)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        return dimension.Score.Max is > 0;
    }

    /// <summary>Dimensions with a mean but no document above 0, in framework order.</summary>
    public static IReadOnlyList<string> WithoutSignal(CorpusStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return statistics.Dimensions.Where(d => d.Score.N > 0 && !HasSignal(d)).Select(d => d.Name).ToList();
    }

    /// <returns>
    /// The highest and lowest dimensions by mean among those with signal, each a list (more than one name is a tie at
    /// the reported precision); null when fewer than two dimensions have signal or all of them tie.
    /// </returns>
    public static Extremes? Find(CorpusStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var ranked = statistics.Dimensions
            .Where(d => HasSignal(d) && d.Score.Mean is { } m && double.IsFinite(m))
            .Select(d => (d.Name, Mean: d.Score.Mean!.Value, Shown: StatisticsFormatter.Format(d.Score.Mean)))
            .ToList();
        if (ranked.Count < 2)
        {
            return null;
        }

        var high = ranked.Max(d => d.Mean);
        var low = ranked.Min(d => d.Mean);
        var highShown = StatisticsFormatter.Format(high);
        var lowShown = StatisticsFormatter.Format(low);
        if (highShown == lowShown)
        {
            return null;
        }

        return new Extremes(
            ranked.Where(d => d.Shown == highShown).Select(d => d.Name).ToList(), high,
            ranked.Where(d => d.Shown == lowShown).Select(d => d.Name).ToList(), low);
    }

    /// <summary>True when at least two dimensions have signal and every one of them has the same mean at the reported precision.</summary>
    public static bool AllTied(CorpusStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var shown = statistics.Dimensions.Where(HasSignal).Select(d => StatisticsFormatter.Format(d.Score.Mean)).ToList();
        return shown.Count >= 2 && shown.Distinct(StringComparer.Ordinal).Count() == 1;
    }

    /// <param name="Highest">Names tied for the highest mean (one name: no tie).</param>
    /// <param name="Lowest">Names tied for the lowest mean.</param>
    internal sealed record Extremes(IReadOnlyList<string> Highest, double HighestMean, IReadOnlyList<string> Lowest, double LowestMean);
}
