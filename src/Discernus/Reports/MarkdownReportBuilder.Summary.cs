using System.Text;
using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>The Executive Summary and the Key Findings.</summary>
internal static partial class MarkdownReportBuilder
{
    private static void ExecutiveSummary(StringBuilder md, ReportInputs inputs)
    {
        var s = inputs.Statistics;
        var m = inputs.Manifest;
        md.AppendLine($"## {inputs.Texts.ExecutiveSummary}").AppendLine();
        ValiditySummaryLines(md, inputs);
        var total = m.Corpus?.DocumentCount ?? s.Counts.DocumentsAnalysed + s.Counts.DocumentsFailed;
        md.AppendLine($"- **Documents analysed:** {F(s.Counts.DocumentsAnalysed)} of {F(total)} ({F(s.Counts.DocumentsFailed)} failed); {F(s.Counts.Analyses)} analyses in all.");
        md.AppendLine($"- **Framework:** {m.Framework?.Name} ({m.Framework?.Dimensions.Count ?? 0} dimensions). **Model(s):** {string.Join(", ", s.Models.Select(x => $"`{x}`"))}.");
        var noSignal = inputs.NoSignal;
        if (DimensionRanking.Find(s) is { } extremes)
        {
            md.AppendLine($"- **Most present {(extremes.Highest.Count > 1 ? "(tie)" : "dimension")}:** {string.Join(", ", extremes.Highest)} (mean score {N(extremes.HighestMean)}); **least present{(extremes.Lowest.Count > 1 ? " (tie)" : "")}:** {string.Join(", ", extremes.Lowest)} (mean score {N(extremes.LowestMean)}){ValidityMark(s, [.. extremes.Highest, .. extremes.Lowest])}.");
        }
        else if (DimensionRanking.AllTied(s))
        {
            var tied = s.Dimensions.Where(DimensionRanking.HasSignal).ToList();
            md.AppendLine($"- **Ranking:** a tie: {string.Join(", ", tied.Select(d => d.Name))} all have mean score {N(tied[0].Score.Mean)}; none is more present than another.");
        }

        if (noSignal.Count > 0)
        {
            md.AppendLine($"- **No signal:** {string.Join("; ", noSignal.Select(kv => $"{kv.Key} ({kv.Value})"))}. These dimensions are not ranked, and their zero means are not findings.");
        }

        var strongest = StrongestCorrelation(s.Correlations);
        if (strongest is { } pair)
        {
            md.AppendLine($"- **Strongest correlation:** {pair.A} × {pair.B}, r = {N(pair.R)} (n = {F(pair.N)}){ValidityMark(s, pair.A, pair.B)}.");
        }

        md.AppendLine($"- **Evidence:** {F(s.Evidence.Verified)} of {F(s.Evidence.Total)} quotes verified in their documents; {F(s.Evidence.Unverified)} unverified.");
        if (s.Hypotheses.Count > 0)
        {
            var counts = s.Hypotheses.GroupBy(h => h.Verdict).ToDictionary(g => g.Key, g => g.Count());
            md.AppendLine($"- **Hypotheses:** {F(counts.GetValueOrDefault(HypothesisVerdict.Supported))} supported, {F(counts.GetValueOrDefault(HypothesisVerdict.NotSupported))} not supported, {F(counts.GetValueOrDefault(HypothesisVerdict.Indeterminate))} indeterminate (decided by the computed tests; see Hypotheses).");
        }

        if (s.Inference is { DescriptiveOnly: true } descriptive)
        {
            md.AppendLine($"- **Inference:** {descriptive.Note?.TrimEnd('.')}.");
        }
        var unscorable = inputs.Dimensions.Where(d => d.NotScorableReason is not null).Select(d => d.Name).ToList();
        if (unscorable.Count > 0)
        {
            md.AppendLine($"- **Not scorable:** {string.Join(", ", unscorable)} ({inputs.Texts.NotScorable}).");
        }

        md.AppendLine();
    }

    /// <summary>
    /// What the tests found, most reliable first: which dimensions are validated, then significant group differences and
    /// correlations (Holm) and verdicts. A number that rests on a not-validated dimension is never phrased as a finding:
    /// it goes to the list of results that are not findings, with the reason next to it.
    /// </summary>
    private static void KeyFindings(StringBuilder md, ReportInputs inputs)
    {
        var s = inputs.Statistics;
        md.AppendLine($"## {inputs.Texts.KeyFindings}").AppendLine();
        var findings = new List<string>(ValidityFindings(inputs));
        var notFindings = new List<string>();
        void Add(string text, params string[] variables)
        {
            if (RestsOnNotValidated(s, variables))
            {
                notFindings.Add($"{text} — *{NotValidatedNote(s, variables)}*");
            }
            else
            {
                findings.Add(text);
            }
        }

        var signalled = 0;
        foreach (var d in s.Dimensions.Where(DimensionRanking.HasSignal))
        {
            Add($"**{d.Name}**: {MeanAndCi(d.Score)}.", d.Name);
            signalled++;
        }

        if (s.Inference is { DescriptiveOnly: false } inference)
        {
            var significant = 0;
            foreach (var g in inference.GroupTests.Where(g => g.PHolm < HypothesisJudge.Alpha && g.Test.Test is "welch_t" or "one_way_anova"))
            {
                Add($"**{g.Variable}** differs by {g.Field} ({TestName(g.Test.Test)} = {N(g.Test.Statistic)}, p (Holm, exploratory) = {P(g.PHolm)}, {g.Test.EffectSizeName?.Replace('_', ' ')} = {N(g.Test.EffectSize)}).", g.Variable);
                significant++;
            }

            foreach (var c in inference.Correlations.Where(c => c.PearsonPHolm < HypothesisJudge.Alpha))
            {
                Add($"**{c.First} × {c.Second}**: r = {N(c.Pearson.Statistic)} (n = {F(c.N)}, p (Holm, exploratory) = {P(c.PearsonPHolm)}).", c.First, c.Second);
                significant++;
            }

            if (significant == 0)
            {
                findings.Add($"No group difference or correlation is significant after Holm's correction across the {F(inference.ExploratoryFamilySize)} exploratory tests.");
            }
        }

        foreach (var verdict in s.Hypotheses.Where(h => h.Verdict != HypothesisVerdict.Indeterminate))
        {
            findings.Add($"Hypothesis {Cell(verdict.Id)}: **{VerdictText(verdict.Verdict)}**.");
        }

        foreach (var verdict in s.Hypotheses.Where(h => h.TestVerdict is not null))
        {
            notFindings.Add($"Hypothesis {Cell(verdict.Id)}: the test alone would say {VerdictText(verdict.TestVerdict!)}; it is left undecided — *{NotValidatedNote(s, HypothesisVariables(verdict, s))}*");
        }

        foreach (var unreliable in s.Reliability?.Comparisons.SelectMany(c => c.Dimensions.Where(d => d.Unreliable).Select(d => (c.Label, d))) ?? [])
        {
            findings.Add($"⚠ **{unreliable.d.Dimension}** is unreliable across {unreliable.Label} (alpha {N(unreliable.d.Alpha)}).");
        }

        if (signalled == 0 && findings.Count == ValidityFindings(inputs).Count() && notFindings.Count == 0)
        {
            findings.Add("No dimension has a signal in this corpus, so there are no findings to report.");
        }

        foreach (var finding in findings)
        {
            md.AppendLine($"- {finding}");
        }

        if (notFindings.Count > 0)
        {
            md.AppendLine().AppendLine("**Not findings** — these results rest on a measurement that is not validated against the human coders; they describe the model's output only:").AppendLine();
            foreach (var result in notFindings)
            {
                md.AppendLine($"- {result}");
            }
        }

        md.AppendLine();
    }

    /// <summary>The variables a hypothesis's confirmatory test reads.</summary>
    private static string[] HypothesisVariables(HypothesisVerdict verdict, CorpusStatistics s) =>
        s.Inference?.Confirmatory.FirstOrDefault(c => c.Hypothesis == verdict.Id) is { } test
            ? test.CorrelatesWith is { } other ? [test.Variable, other] : [test.Variable]
            : [];

    private static (string A, string B, double R, int N)? StrongestCorrelation(CorrelationMatrix c)
    {
        (string, string, double, int)? best = null;
        for (var i = 0; i < c.Dimensions.Count; i++)
        {
            for (var j = i + 1; j < c.Dimensions.Count; j++)
            {
                if (c.Coefficients[i][j] is { } r && (best is null || Math.Abs(r) > Math.Abs(best.Value.Item3)))
                {
                    best = (c.Dimensions[i], c.Dimensions[j], r, c.Counts[i][j]);
                }
            }
        }

        return best;
    }
}
