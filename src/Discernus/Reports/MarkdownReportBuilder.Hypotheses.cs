using System.Text;
using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>The verdicts on the stated hypotheses: one table row each, the statements and reasons below it.</summary>
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

        // Cells stay short (the table scrolls in its own box on a phone): the rule's "supported if" clause only, and the
        // numbers unbroken, since a box that scrolls squeezes every column to its longest word and makes each row tall.
        // What each hypothesis says, the whole rule and why it got its verdict go below.
        if (verdicts.Any(v => v.P is not null))
        {
            var k = verdicts.Select(v => v.HolmFamilySize).Max();
            md.AppendLine($"| hypothesis | test | statistic | p | p (Holm, {F(k)} {(k == 1 ? "hypothesis" : "hypotheses")}) | effect size [95% CI] | decision rule: supported if | verdict |");
            md.AppendLine("|---|---|---|---|---|---|---|---|");
            var confirmatory = inputs.Statistics.Inference?.Confirmatory ?? [];
            foreach (var v in verdicts)
            {
                var test = confirmatory.FirstOrDefault(c => c.Hypothesis == v.Id);
                var supportedIf = v.DecisionRule?.Split(';')[0].Replace("supported if ", "", StringComparison.Ordinal) ?? "—";
                md.AppendLine($"| {Cell(v.Id)} | {Cell(VerdictTest(v, test))} | {NoWrap(Cell(VerdictStatistic(v, test)))} | {NoWrap(P(v.P))} | {NoWrap(P(v.PHolm))} | {NoWrap(Cell(v.P is null ? StatisticsFormatter.NotAvailable : EffectWithCi(v.EffectSizeName, v.EffectSize, v.EffectSizeCi)))} | {NoWrap(Cell(supportedIf))} | **{VerdictText(v.Verdict)}** |");
            }

            md.AppendLine();
        }

        foreach (var verdict in verdicts)
        {
            var rule = verdict.DecisionRule is { } r ? $" Rule: {Cell(r)}." : "";
            md.AppendLine($"- **{Cell(verdict.Id)}: {VerdictText(verdict.Verdict)}.** {Cell(verdict.Description.Trim())} *{Cell(verdict.Reason.TrimEnd('.'))}.*{rule}");
        }

        md.AppendLine();
    }

    /// <summary>"Welch t, one-sided (a > b)", "ANOVA F", "Pearson r, two-sided"; "—" when no test was run.</summary>
    private static string VerdictTest(HypothesisVerdict verdict, ConfirmatoryTestResult? test)
    {
        if (verdict.Test is null || verdict.P is null)
        {
            return "—";
        }

        var direction = (verdict.Test, verdict.Alternative, test?.Groups) switch
        {
            ("welch_t", TestResult.Greater, [var first, var second]) => $"one-sided ({first} > {second})",
            ("welch_t", TestResult.Less, [var first, var second]) => $"one-sided ({first} < {second})",
            ("pearson", TestResult.Greater, _) => "one-sided (r > 0)",
            ("pearson", TestResult.Less, _) => "one-sided (r < 0)",
            ("one_way_anova", _, _) => null,
            _ => "two-sided",
        };
        return direction is null ? TestName(verdict.Test) : $"{TestName(verdict.Test)}, {direction}";
    }

    /// <summary>"t(8.22) = -2.307", "F(2, 27) = 4.846", "r = 0.571 (n = 9)".</summary>
    private static string VerdictStatistic(HypothesisVerdict verdict, ConfirmatoryTestResult? test) => verdict.Test switch
    {
        _ when verdict.Statistic is null => StatisticsFormatter.NotAvailable,
        "welch_t" => $"t({N(verdict.Df1, 2)}) = {N(verdict.Statistic)}",
        "one_way_anova" => $"F({N(verdict.Df1, 0)}, {N(verdict.Df2, 0)}) = {N(verdict.Statistic)}",
        "pearson" => $"r = {N(verdict.Statistic)}{(test is null ? "" : $" (n = {F(test.N)})")}",
        _ => N(verdict.Statistic),
    };

    /// <summary>Joins the words of a short cell with no-break spaces, so a scrolling table keeps it on one line.</summary>
    private static string NoWrap(string cell) => cell.Replace(' ', '\u00A0');

    private static string VerdictText(string verdict) => verdict switch
    {
        HypothesisVerdict.Supported => "supported",
        HypothesisVerdict.NotSupported => "not supported",
        _ => "indeterminate",
    };
}
