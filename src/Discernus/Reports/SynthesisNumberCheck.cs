using System.Text.RegularExpressions;
using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>
/// Flags numbers in model-written text that match no computed statistic (SPEC §7). Only decimals are checked:
/// whole numbers in prose are mostly years, counts of things and list numbers.
/// </summary>
internal static partial class SynthesisNumberCheck
{
    // A minus may be the hyphen or the true minus sign (U+2212) that typeset text and the validity reasons use.
    [GeneratedRegex(@"(?<![\w.])[-\u2212]?\d*\.\d+(?![\w.])")]
    private static partial Regex Decimal();

    public static (string Annotated, IReadOnlyList<string> Unmatched) Annotate(string text, CorpusStatistics statistics)
    {
        var values = StatisticsFormatter.AllReportedValues(statistics).ToList();
        var unmatched = new List<string>();
        var annotated = Decimal().Replace(text, m =>
        {
            if (StatisticsFormatter.MatchesAny(m.Value.Replace('\u2212', '-'), values))
            {
                return m.Value;
            }

            unmatched.Add(m.Value);
            return $"{m.Value} ⚠";
        });
        return (annotated, unmatched);
    }
}
