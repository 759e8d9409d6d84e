using System.Text;
using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>The Detailed Findings, group comparisons and correlations.</summary>
internal static partial class MarkdownReportBuilder
{
    private static void DetailedFindings(StringBuilder md, ReportInputs inputs)
    {
        var s = inputs.Statistics;
        md.AppendLine($"## {inputs.Texts.DetailedFindings}").AppendLine();
        md.AppendLine(Chart("distribution")).AppendLine();
        md.AppendLine("| dimension | n | mean | 95% CI | sd | min | median | IQR | max | mean salience | mean confidence |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var d in s.Dimensions)
        {
            md.AppendLine($"| {d.Name}{ValidityMark(s, d.Name)} | {F(d.Score.N)} | {N(d.Score.Mean)} | {Ci(d.Score)} | {N(d.Score.Sd)} | {N(d.Score.Min)} | {N(d.Score.Median)} | {N(d.Score.Iqr)} | {N(d.Score.Max)} | {N(d.MeanSalience)} | {N(d.MeanConfidence)} |");
        }

        md.AppendLine();
        if (s.DerivedMetrics.Count > 0)
        {
            md.AppendLine("| derived metric | n | mean | 95% CI | sd | min | median | IQR | max |").AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var metric in s.DerivedMetrics)
            {
                var x = metric.Summary;
                md.AppendLine($"| {metric.Name}{ValidityMark(s, metric.Name)} | {F(x.N)} | {N(x.Mean)} | {Ci(x)} | {N(x.Sd)} | {N(x.Min)} | {N(x.Median)} | {N(x.Iqr)} | {N(x.Max)} |");
            }

            md.AppendLine();
        }

        foreach (var d in s.Dimensions)
        {
            md.AppendLine($"### {d.Name}").AppendLine();
            var description = inputs.Dimensions.FirstOrDefault(x => x.Name == d.Name);
            if (description?.NotScorableReason is { } reason)
            {
                md.AppendLine($"*{reason}*").AppendLine();
                continue;
            }

            if (inputs.NoSignal.TryGetValue(d.Name, out var silent))
            {
                md.AppendLine($"*No signal: {silent}. Every document scored 0 (n = {F(d.Score.N)}).*").AppendLine();
                continue;
            }

            if (RestsOnNotValidated(s, d.Name))
            {
                md.AppendLine($"> ⚠ {NotValidatedNote(s, d.Name)}. The numbers below are the model's output, not findings.").AppendLine();
            }

            md.AppendLine($"Mean score {N(d.Score.Mean)} (sd {N(d.Score.Sd)}, n = {F(d.Score.N)}), ranging from {N(d.Score.Min)} to {N(d.Score.Max)}.").AppendLine();
            var quotes = inputs.Evidence.Where(e => e.Dimension == d.Name).ToList();
            foreach (var quote in quotes.Where(q => q.Verified))
            {
                md.AppendLine($"> “{Quote(quote.Quote)}” — *{quote.DocumentName}* (score {N(quote.Score)}, verified)").AppendLine();
            }

            var unverified = quotes.Where(q => !q.Verified).ToList();
            if (unverified.Count > 0)
            {
                md.AppendLine($"⚠ **Unverified evidence** ({F(unverified.Count)}): these quotes do not occur in the document they were given for; do not cite them.").AppendLine();
                foreach (var quote in unverified)
                {
                    md.AppendLine($"> ⚠ unverified: “{Quote(quote.Quote)}” — *{quote.DocumentName}* (score {N(quote.Score)})").AppendLine();
                }
            }
        }
    }

    private static void Groups(StringBuilder md, CorpusStatistics s, ReportTexts t)
    {
        if (s.Groups.Count == 0)
        {
            return;
        }

        md.AppendLine($"## {t.GroupComparisons}").AppendLine();
        foreach (var comparison in s.Groups)
        {
            md.AppendLine($"### By {comparison.Field}").AppendLine();
            md.AppendLine(Chart("groups", comparison.Field)).AppendLine();
            // Every variable the tests below (and the hypotheses) compare has its group means here: the dimensions, and
            // each derived metric with a value in some group.
            var names = s.Dimensions.Select(d => d.Name).ToList();
            var derived = s.DerivedMetrics.Select(d => d.Name)
                .Where(n => comparison.Groups.Any(g => g.DerivedMetrics.FirstOrDefault(x => x.Name == n)?.Summary.Mean is not null))
                .ToList();
            md.AppendLine($"| {comparison.Field} | n | {string.Join(" | ", names.Concat(derived))} |");
            md.AppendLine($"|---|---|{string.Concat(names.Concat(derived).Select(_ => "---|"))}");
            foreach (var group in comparison.Groups)
            {
                var means = names.Select(n => N(group.Dimensions.FirstOrDefault(x => x.Name == n)?.Summary.Mean))
                    .Concat(derived.Select(n => N(group.DerivedMetrics.FirstOrDefault(x => x.Name == n)?.Summary.Mean)));
                md.AppendLine($"| {Cell(group.Value)} | {F(group.N)} | {string.Join(" | ", means)} |");
            }

            if (comparison.MissingField > 0)
            {
                md.AppendLine().AppendLine($"{F(comparison.MissingField)} document(s) lack `{comparison.Field}` and are in no group.");
            }

            md.AppendLine();
            var tests = s.Inference?.GroupTests.Where(g => g.Field == comparison.Field).ToList() ?? [];
            if (tests.Count > 0)
            {
                md.AppendLine("| variable | test | groups | statistic | df | p | p (Holm, exploratory) | effect size |").AppendLine("|---|---|---|---|---|---|---|---|");
                foreach (var g in tests)
                {
                    var df = g.Test.Df2 is { } df2 ? $"{N(g.Test.Df1, 0)}, {N(df2, 0)}" : g.Test.Df1 is { } df1 ? N(df1, df1 % 1 == 0 ? 0 : 3) : "";
                    var effect = g.Test.EffectSizeName is { } name ? $"{name.Replace('_', ' ')} {N(g.Test.EffectSize)}" : "";
                    md.AppendLine($"| {g.Variable}{ValidityMark(s, g.Variable)} | {TestName(g.Test.Test)} | {Cell(g.Groups.Count == 2 ? $"{g.Groups[0]} (n = {F(g.GroupSizes[0])}) vs {g.Groups[1]} (n = {F(g.GroupSizes[1])})" : $"{F(g.Groups.Count)} groups (n = {string.Join(", ", g.GroupSizes.Select(F))})")} | {N(g.Test.Statistic)} | {df} | {P(g.Test.P)} | {P(g.PHolm)} | {effect} |");
                }

                md.AppendLine();
            }
        }

        if (s.Inference is { } inference)
        {
            md.AppendLine(InferenceNote(inference)).AppendLine();
        }
    }

    private static void Correlations(StringBuilder md, CorpusStatistics s, ReportTexts t)
    {
        var c = s.Correlations;
        if (c.Dimensions.Count < 2)
        {
            return;
        }

        md.AppendLine($"## {t.Correlations}").AppendLine();
        md.AppendLine("Pearson r over documents with both scores (n/a: fewer than 3 documents or a constant score).").AppendLine();
        md.AppendLine(Chart("correlations")).AppendLine();
        md.AppendLine($"| | {string.Join(" | ", c.Dimensions)} |");
        md.AppendLine($"|---|{string.Concat(c.Dimensions.Select(_ => "---|"))}");
        for (var i = 0; i < c.Dimensions.Count; i++)
        {
            var row = Enumerable.Range(0, c.Dimensions.Count).Select(j => i == j ? "—" : N(c.Coefficients[i][j]));
            md.AppendLine($"| {c.Dimensions[i]} | {string.Join(" | ", row)} |");
        }

        md.AppendLine();
        var tests = s.Inference?.Correlations.Where(x => x.Pearson.Statistic is not null || x.Spearman.Statistic is not null).ToList() ?? [];
        if (tests.Count > 0)
        {
            md.AppendLine("| pair | n | Pearson r | p | p (Holm, exploratory) | Spearman ρ | p | p (Holm, exploratory) |").AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var x in tests)
            {
                md.AppendLine($"| {x.First} × {x.Second}{ValidityMark(s, x.First, x.Second)} | {F(x.N)} | {N(x.Pearson.Statistic)} | {P(x.Pearson.P)} | {P(x.PearsonPHolm)} | {N(x.Spearman.Statistic)} | {P(x.Spearman.P)} | {P(x.SpearmanPHolm)} |");
            }

            md.AppendLine();
        }
    }

    private static string InferenceNote(InferenceSummary inference) =>
        inference.DescriptiveOnly
            ? $"*{inference.Note?.TrimEnd('.')}.*"
            : $"*Two groups: Welch's t-test (Hedges' g) and Mann–Whitney U; more groups: one-way ANOVA (eta²) and Kruskal–Wallis. p-values are two-sided; \"p (Holm, exploratory)\" is adjusted across the {F(inference.ExploratoryFamilySize)} exploratory tests of this run (the stated hypotheses are a family of their own: see Hypotheses). Grouping fields: {(inference.GroupingFields.Count == 0 ? "none" : string.Join(", ", inference.GroupingFields))} ({inference.GroupingSource}).*";

    private static string TestName(string test) => test switch
    {
        "welch_t" => "Welch t",
        "mann_whitney_u" => "Mann–Whitney U",
        "one_way_anova" => "ANOVA F",
        "kruskal_wallis" => "Kruskal–Wallis H",
        "pearson" => "Pearson r",
        "spearman" => "Spearman ρ",
        _ => test,
    };
}
