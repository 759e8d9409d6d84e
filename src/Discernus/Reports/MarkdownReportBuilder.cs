using System.Globalization;
using System.Text;
using Discernus.Provenance;
using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>
/// The report of SPEC §7 in Markdown. Deterministic: every number is formatted from the statistics or the manifest
/// with <see cref="StatisticsFormatter"/>, so the report can be checked against <c>statistics.json</c>.
/// </summary>
internal static partial class MarkdownReportBuilder
{
    /// <summary>Where the HTML rendering puts a chart; an HTML comment, so the Markdown shows nothing.</summary>
    public static string Chart(string kind, string? argument = null) =>
        argument is null ? $"<!-- chart:{kind} -->" : $"<!-- chart:{kind}:{argument.Replace(' ', '_')} -->";

    public static string Build(ReportInputs inputs)
    {
        var m = inputs.Manifest;
        var s = inputs.Statistics;
        var t = inputs.Texts;
        var md = new StringBuilder();

        md.AppendLine($"# {t.Title}").AppendLine();
        if (m.Models?.OfflineBaseline == true)
        {
            md.AppendLine($"> **Offline baseline.** {t.OfflineBaselineNote}").AppendLine();
        }

        var scored = inputs.Statistics.Dimensions.Where(d => d.Score.N > 0).ToList();
        if (scored.Count > 0 && scored.All(d => inputs.NoSignal.ContainsKey(d.Name)))
        {
            md.AppendLine($"> ⚠ **No signal.** {t.NoSignalNote} ({string.Join("; ", inputs.NoSignal.Values.Distinct())})").AppendLine();
        }

        ExecutiveSummary(md, inputs);
        KeyFindings(md, inputs);
        Methodology(md, inputs);
        DetailedFindings(md, inputs);
        Groups(md, s, t);
        Correlations(md, s, t);

        Hypotheses(md, inputs);
        // One section for every kind of agreement: with the human coders (validity) first, then between runs and models.
        if (s.Validity is not null || s.Reliability is { Comparisons.Count: > 0 })
        {
            md.AppendLine($"## {t.Reliability}").AppendLine();
            Validity(md, inputs);
            Reliability(md, s, t);
        }

        md.AppendLine($"## {t.Interpretation}").AppendLine();
        var (annotated, unmatched) = SynthesisNumberCheck.Annotate(inputs.Synthesis.Trim(), s);
        md.AppendLine($"*Written by `{inputs.SynthesisModel}` from the statistics above.*").AppendLine();
        if (unmatched.Count > 0)
        {
            md.AppendLine($"> ⚠ {t.UnverifiedNumbersNote} ({string.Join(", ", unmatched.Distinct())})").AppendLine();
        }

        md.AppendLine(DemoteHeadings(annotated)).AppendLine();

        if (m.Failures.Count > 0)
        {
            md.AppendLine($"## {t.Failures}").AppendLine();
            md.AppendLine("| document | model | reason |").AppendLine("|---|---|---|");
            foreach (var failure in m.Failures)
            {
                md.AppendLine($"| {Cell(failure.DocumentName ?? failure.TaskId)} | {Cell(failure.Model ?? "")} | {Cell(failure.Reason)} |");
            }

            md.AppendLine();
        }

        if (m.BatchRetries.Count > 0)
        {
            md.AppendLine($"## {t.BatchRetries}").AppendLine().AppendLine(t.BatchRetriesNote).AppendLine();
            md.AppendLine("| document | model | reason |").AppendLine("|---|---|---|");
            foreach (var retry in m.BatchRetries)
            {
                md.AppendLine($"| {Cell(retry.DocumentName ?? retry.TaskId)} | {Cell(retry.Model ?? "")} | {Cell(retry.Reason)} |");
            }

            md.AppendLine();
        }

        Appendix(md, inputs);
        return md.ToString();
    }

    /// <summary>p-values below 0.001 are written "&lt; 0.001", as journals do.</summary>
    private static string P(double? p) => p is { } v && v < 0.001 ? "< 0.001" : N(p);

    private static string DemoteHeadings(string text) =>
        string.Join('\n', text.Split('\n').Select(line => line.StartsWith('#') ? "### " + line.TrimStart('#').TrimStart() : line));

    private static string N(double? value) => StatisticsFormatter.Format(value);

    private static string N(double? value, int decimals) => StatisticsFormatter.Format(value, decimals);

    private static string F(int value) => StatisticsFormatter.FormatCount(value);

    private static string Short(string? hash) => hash is { Length: > 12 } ? hash[..12] : hash ?? "n/a";

    /// <summary>A quote on one line (a line break inside would end the block quote).</summary>
    private static string Quote(string text) => text.Trim().ReplaceLineEndings(" ");

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
