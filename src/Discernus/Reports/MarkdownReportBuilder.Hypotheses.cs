using System.Globalization;
using System.Text;
using Discernus.Provenance;
using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>The verdicts on the stated hypotheses.</summary>
internal static partial class MarkdownReportBuilder
{
    private static void Hypotheses(StringBuilder md, ReportInputs inputs)
    {
        var verdicts = inputs.Statistics.Hypotheses;
        if (verdicts.Count == 0 && inputs.Hypotheses.Count == 0)
        {
            return;
        }

        md.AppendLine($"## {inputs.Texts.Hypotheses}").AppendLine();
        md.AppendLine($"*{inputs.Texts.HypothesesNote}*").AppendLine();
        if (verdicts.Count == 0)
        {
            // Statistics written before verdicts existed: list the hypotheses without deciding them.
            foreach (var hypothesis in inputs.Hypotheses)
            {
                md.AppendLine($"- {hypothesis} — **indeterminate**");
            }

            md.AppendLine();
            return;
        }

        foreach (var verdict in verdicts)
        {
            md.AppendLine($"- **{Cell(verdict.Id)}: {VerdictText(verdict.Verdict)}.** {Cell(verdict.Description.Trim())}").AppendLine();
            md.AppendLine($"  {verdict.Reason}.").AppendLine();
        }
    }

    private static string VerdictText(string verdict) => verdict switch
    {
        HypothesisVerdict.Supported => "supported",
        HypothesisVerdict.NotSupported => "not supported",
        _ => "indeterminate",
    };
}
