using System.Globalization;
using System.Text;
using Discernus.Experiments;

namespace Discernus.Models;

/// <summary>
/// Writes the lexicon model's synthesis: a short, deterministic Markdown narrative of the statistics (ranking by mean,
/// strongest correlation, largest group difference), every sentence taken from <c>Resources/lexicon-texts.yaml</c> and
/// every number formatted with 3 decimals in the invariant culture. It says that it comes from the offline baseline.
/// </summary>
internal sealed class LexiconSynthesisWriter(LexiconTexts.SynthesisTexts texts)
{
    public string Write(Framework framework, string statisticsJson)
    {
        var summary = StatisticsSummaryReader.Read(statisticsJson, framework);
        var builder = new StringBuilder();
        builder.Append(texts.Title.Trim()).Append("\n\n");
        builder.Append("> ").Append(texts.Disclaimer.Trim()).Append("\n\n");
        builder.Append(LexiconTexts.Fill(texts.Framework, ("framework", framework.Name))).Append("\n\n");

        // Framework order breaks ties so the ranking does not depend on the statistics' key order.
        var order = framework.Dimensions.Select((d, i) => (d.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var ranked = summary.Means
            .OrderByDescending(p => p.Value)
            .ThenBy(p => order.GetValueOrDefault(p.Key, int.MaxValue))
            .ToList();
        if (ranked.Count == 0)
        {
            builder.Append(texts.NoMeans.Trim()).Append("\n\n");
        }
        else
        {
            builder.Append(LexiconTexts.Fill(texts.Highest, ("dimension", ranked[0].Key), ("mean", Format(ranked[0].Value))));
            if (ranked.Count > 1)
            {
                builder.Append(' ').Append(LexiconTexts.Fill(texts.Lowest, ("dimension", ranked[^1].Key), ("mean", Format(ranked[^1].Value))));
            }

            builder.Append("\n\n").Append(texts.RankingHeader.Trim()).Append('\n');
            foreach (var (dimension, mean) in ranked)
            {
                builder.Append(LexiconTexts.Fill(texts.RankingItem, ("dimension", dimension), ("mean", Format(mean)))).Append('\n');
            }

            builder.Append('\n');
        }

        builder.Append(summary.StrongestCorrelation is { } c
            ? LexiconTexts.Fill(texts.StrongestCorrelation, ("first", c.First), ("second", c.Second), ("r", Format(c.R)))
            : texts.NoCorrelation.Trim()).Append("\n\n");

        if (summary.LargestGroupDifference is { } g)
        {
            builder.Append(g.GroupA is not null && g.GroupB is not null
                ? LexiconTexts.Fill(texts.LargestGroupDifference, ("dimension", g.Dimension),
                    ("groups", LexiconTexts.Fill(texts.Groups, ("group_a", g.GroupA), ("group_b", g.GroupB))), ("difference", Format(g.Difference)))
                : LexiconTexts.Fill(texts.LargestGroupDifferenceNoGroups, ("dimension", g.Dimension), ("difference", Format(g.Difference))));
        }
        else
        {
            builder.Append(texts.NoGroupDifference.Trim());
        }

        return builder.Append('\n').ToString();
    }

    public static string Format(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
