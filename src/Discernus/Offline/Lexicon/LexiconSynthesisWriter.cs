using System.Text;
using Discernus.Experiments;
using Discernus.Statistics;

namespace Discernus.Offline.Lexicon;

/// <summary>
/// Writes the lexicon model's synthesis: a short, deterministic Markdown narrative of the statistics (ranking by mean,
/// strongest correlation, largest group difference), every sentence taken from <c>Resources/lexicon-texts.yaml</c> and
/// every number formatted by <see cref="StatisticsFormatter"/> (3 decimals, invariant culture) so it matches the statistics
/// exactly. It says that it comes from the offline baseline, not an LLM.
/// </summary>
internal sealed class LexiconSynthesisWriter(LexiconTexts.SynthesisTexts texts)
{
    /// <exception cref="System.Text.Json.JsonException">The text is not the statistics JSON.</exception>
    public string Write(Framework framework, string statisticsJson)
    {
        var summary = StatisticsSummaryReader.Read(CorpusStatistics.FromJson(statisticsJson));
        var builder = new StringBuilder();
        builder.Append(texts.Title.Trim()).Append("\n\n");
        builder.Append("> ").Append(texts.Disclaimer.Trim()).Append("\n\n");
        builder.Append(LexiconTexts.Fill(texts.Framework, ("framework", framework.Name))).Append("\n\n");

        var statistics = CorpusStatistics.FromJson(statisticsJson);
        AppendValidity(builder, statistics);
        var silent = DimensionRanking.WithoutSignal(statistics);
        var ranked = summary.RankedMeans.Where(m => !silent.Contains(m.Dimension)).ToList();
        if (ranked.Count == 0)
        {
            builder.Append(texts.NoMeans.Trim()).Append("\n\n");
        }
        else
        {
            // Ties and dimensions without signal are said as such: a shared mean is no ranking, a zero is no finding.
            if (DimensionRanking.Find(statistics) is { } extremes)
            {
                builder.Append(LexiconTexts.Fill(texts.Highest, ("dimension", string.Join(", ", extremes.Highest)), ("mean", Format(extremes.HighestMean)))).Append(Mark(statistics, [.. extremes.Highest]));
                builder.Append(' ').Append(LexiconTexts.Fill(texts.Lowest, ("dimension", string.Join(", ", extremes.Lowest)), ("mean", Format(extremes.LowestMean)))).Append(Mark(statistics, [.. extremes.Lowest]));
            }
            else if (ranked.Count > 1)
            {
                builder.Append(LexiconTexts.Fill(texts.Tie, ("dimensions", string.Join(", ", ranked.Select(r => r.Dimension))), ("mean", Format(ranked[0].Mean))));
            }
            else
            {
                builder.Append(LexiconTexts.Fill(texts.Highest, ("dimension", ranked[0].Dimension), ("mean", Format(ranked[0].Mean))));
            }

            builder.Append("\n\n").Append(texts.RankingHeader.Trim()).Append('\n');
            foreach (var item in ranked)
            {
                builder.Append(LexiconTexts.Fill(texts.RankingItem, ("dimension", item.Dimension), ("mean", Format(item.Mean)))).Append(Mark(statistics, item.Dimension)).Append('\n');
            }

            builder.Append('\n');
        }

        if (silent.Count > 0)
        {
            builder.Append(LexiconTexts.Fill(texts.NoSignal, ("dimensions", string.Join(", ", silent)))).Append("\n\n");
        }

        builder.Append(summary.StrongestCorrelation is { } c
            ? LexiconTexts.Fill(texts.StrongestCorrelation,
                ("first", c.First), ("second", c.Second), ("r", Format(c.R)), ("n", StatisticsFormatter.FormatCount(c.N))) + Mark(statistics, c.First, c.Second)
            : texts.NoCorrelation.Trim()).Append("\n\n");

        builder.Append(summary.LargestGroupDifference is { } g
            ? LexiconTexts.Fill(texts.LargestGroupDifference,
                ("field", g.Field), ("dimension", g.Dimension),
                ("high_group", g.HighGroup), ("high_mean", Format(g.HighMean)),
                ("low_group", g.LowGroup), ("low_mean", Format(g.LowMean))) + Mark(statistics, g.Dimension)
            : texts.NoGroupDifference.Trim());

        return builder.Append('\n').ToString();
    }

    /// <summary>Validity first: whether the dimensions were shown to measure what the coders see, before any result.</summary>
    private void AppendValidity(StringBuilder builder, CorpusStatistics statistics)
    {
        if (statistics.Validity is not { } validity)
        {
            builder.Append(texts.Unvalidated.Trim()).Append("\n\n");
            return;
        }

        foreach (var dimension in validity.Dimensions.Where(d => d.Status != ValidityStatus.Unvalidated))
        {
            var template = dimension.Status == ValidityStatus.Validated ? texts.Validated : texts.NotValidated;
            builder.Append(LexiconTexts.Fill(template, ("dimension", dimension.Dimension), ("reason", dimension.Reason))).Append("\n\n");
        }
    }

    private string Mark(CorpusStatistics statistics, params string[] variables) =>
        statistics.ValidityOf(variables) == ValidityStatus.NotValidated ? texts.NotValidatedMark.TrimEnd() : "";

    private static string Format(double value) => StatisticsFormatter.Format(value);
}
