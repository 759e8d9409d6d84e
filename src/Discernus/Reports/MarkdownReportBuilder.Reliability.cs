using System.Text;
using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>Agreement between runs and between models (and, until it moves, with human coders).</summary>
internal static partial class MarkdownReportBuilder
{
    private static void Reliability(StringBuilder md, CorpusStatistics s, ReportTexts t)
    {
        if (s.Reliability is not { Comparisons.Count: > 0 } reliability)
        {
            return;
        }

        md.AppendLine($"Agreement per dimension between readings of the same documents: Krippendorff's alpha (interval), ICC(2,1), Lin's concordance (CCC) and Pearson r where two readings are compared, and the mean absolute difference on the 0–1 scale. Dimensions with alpha below {N(reliability.Threshold)} are marked ⚠ unreliable; n/a means the readings do not vary (alpha is undefined).").AppendLine();
        // A chart of nothing but deterministic runs (no alpha anywhere) would be an empty frame.
        if (reliability.Comparisons.Any(c => c.Dimensions.Any(d => d.Alpha is not null)))
        {
            md.AppendLine(Chart("agreement")).AppendLine();
        }

        foreach (var comparison in reliability.Comparisons)
        {
            md.AppendLine($"### {Cell(char.ToUpperInvariant(comparison.Label[0]) + comparison.Label[1..])}").AppendLine();
            md.AppendLine($"Readings compared: {string.Join(", ", comparison.Coders.Select(c => $"`{c}`"))}.").AppendLine();
            if (comparison.Identical == AgreementComparison.IdenticalByConstruction)
            {
                md.AppendLine($"**Deterministic: identical by construction.** {t.DeterministicRuns}").AppendLine();
                continue;
            }

            if (comparison.Identical == AgreementComparison.IdenticalInEveryRun)
            {
                md.AppendLine($"⚠ **Identical in every run.** {t.IdenticalRuns}").AppendLine();
            }

            md.AppendLine("| dimension | documents | alpha | ICC(2,1) | CCC | Pearson r | mean abs. difference | |");
            md.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var d in comparison.Dimensions)
            {
                var flag = d.Unreliable ? "⚠ unreliable" : "";
                md.AppendLine($"| {d.Dimension} | {F(d.Documents)} | {N(d.Alpha)} | {N(d.Icc)} | {N(d.Ccc)} | {N(d.Pearson)} | {N(d.MeanAbsoluteDifference)} | {flag} |");
            }

            md.AppendLine();
        }
    }
}
