using System.Globalization;
using System.Text;
using Discernus.Provenance;
using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>
/// The report of SPEC §7 in Markdown. Deterministic: every number is formatted from the statistics or the manifest
/// with <see cref="StatisticsFormatter"/>, so the report can be checked against <c>statistics.json</c>.
/// </summary>
internal static class MarkdownReportBuilder
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
        Reliability(md, s, t);

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

        Appendix(md, inputs);
        return md.ToString();
    }

    private static void ExecutiveSummary(StringBuilder md, ReportInputs inputs)
    {
        var s = inputs.Statistics;
        var m = inputs.Manifest;
        md.AppendLine($"## {inputs.Texts.ExecutiveSummary}").AppendLine();
        var total = m.Corpus?.DocumentCount ?? s.Counts.DocumentsAnalysed + s.Counts.DocumentsFailed;
        md.AppendLine($"- **Documents analysed:** {F(s.Counts.DocumentsAnalysed)} of {F(total)} ({F(s.Counts.DocumentsFailed)} failed); {F(s.Counts.Analyses)} analyses in all.");
        md.AppendLine($"- **Framework:** {m.Framework?.Name} ({m.Framework?.Dimensions.Count ?? 0} dimensions). **Model(s):** {string.Join(", ", s.Models.Select(x => $"`{x}`"))}.");
        var noSignal = inputs.NoSignal;
        if (DimensionRanking.Find(s) is { } extremes)
        {
            md.AppendLine($"- **Most present {(extremes.Highest.Count > 1 ? "(tie)" : "dimension")}:** {string.Join(", ", extremes.Highest)} (mean score {N(extremes.HighestMean)}); **least present{(extremes.Lowest.Count > 1 ? " (tie)" : "")}:** {string.Join(", ", extremes.Lowest)} (mean score {N(extremes.LowestMean)}).");
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
            md.AppendLine($"- **Strongest correlation:** {pair.A} × {pair.B}, r = {N(pair.R)} (n = {F(pair.N)}).");
        }

        md.AppendLine($"- **Evidence:** {F(s.Evidence.Verified)} of {F(s.Evidence.Total)} quotes verified in their documents; {F(s.Evidence.Unverified)} unverified.");
        if (s.Hypotheses.Count > 0)
        {
            var counts = s.Hypotheses.GroupBy(h => h.Verdict).ToDictionary(g => g.Key, g => g.Count());
            md.AppendLine($"- **Hypotheses:** {F(counts.GetValueOrDefault(HypothesisVerdict.Supported))} supported, {F(counts.GetValueOrDefault(HypothesisVerdict.NotSupported))} not supported, {F(counts.GetValueOrDefault(HypothesisVerdict.Indeterminate))} indeterminate (decided by the computed tests; see Hypotheses).");
        }

        if (s.Inference is { DescriptiveOnly: true } descriptive)
        {
            md.AppendLine($"- **Inference:** {descriptive.Note}");
        }
        var unscorable = inputs.Dimensions.Where(d => d.NotScorableReason is not null).Select(d => d.Name).ToList();
        if (unscorable.Count > 0)
        {
            md.AppendLine($"- **Not scorable:** {string.Join(", ", unscorable)} ({inputs.Texts.NotScorable}).");
        }

        md.AppendLine();
    }

    /// <summary>What the tests found, most reliable first: significant group differences and correlations (Holm), verdicts.</summary>
    private static void KeyFindings(StringBuilder md, ReportInputs inputs)
    {
        var s = inputs.Statistics;
        md.AppendLine($"## {inputs.Texts.KeyFindings}").AppendLine();
        var findings = new List<string>();
        foreach (var d in s.Dimensions.Where(d => DimensionRanking.HasSignal(d) && d.Score.CiLower is not null))
        {
            findings.Add($"**{d.Name}**: mean {N(d.Score.Mean)}, 95% CI [{N(d.Score.CiLower)}, {N(d.Score.CiUpper)}], n = {F(d.Score.N)}.");
        }

        if (s.Inference is { DescriptiveOnly: false } inference)
        {
            foreach (var g in inference.GroupTests.Where(g => g.PHolm < HypothesisJudge.Alpha && g.Test.Test is "welch_t" or "one_way_anova"))
            {
                findings.Add($"**{g.Variable}** differs by {g.Field} ({TestName(g.Test.Test)} = {N(g.Test.Statistic)}, p (Holm) = {P(g.PHolm)}, {g.Test.EffectSizeName?.Replace('_', ' ')} = {N(g.Test.EffectSize)}).");
            }

            foreach (var c in inference.Correlations.Where(c => c.PearsonPHolm < HypothesisJudge.Alpha))
            {
                findings.Add($"**{c.First} × {c.Second}**: r = {N(c.Pearson.Statistic)} (n = {F(c.N)}, p (Holm) = {P(c.PearsonPHolm)}).");
            }

            if (!inference.GroupTests.Any(g => g.PHolm < HypothesisJudge.Alpha) && !inference.Correlations.Any(c => c.PearsonPHolm < HypothesisJudge.Alpha))
            {
                findings.Add($"No group difference or correlation is significant after Holm's correction across {F(inference.HolmFamilySize)} tests.");
            }
        }

        foreach (var verdict in s.Hypotheses.Where(h => h.Verdict != HypothesisVerdict.Indeterminate))
        {
            findings.Add($"Hypothesis {Cell(verdict.Id)}: **{VerdictText(verdict.Verdict)}**.");
        }

        foreach (var unreliable in s.Reliability?.Comparisons.SelectMany(c => c.Dimensions.Where(d => d.Unreliable).Select(d => (c.Label, d))) ?? [])
        {
            findings.Add($"⚠ **{unreliable.d.Dimension}** is unreliable across {unreliable.Label} (alpha {N(unreliable.d.Alpha)}).");
        }

        if (findings.Count == 0)
        {
            findings.Add("No dimension has a signal in this corpus, so there are no findings to report.");
        }

        foreach (var finding in findings)
        {
            md.AppendLine($"- {finding}");
        }

        md.AppendLine();
    }

    private static void Methodology(StringBuilder md, ReportInputs inputs)
    {
        var m = inputs.Manifest;
        md.AppendLine($"## {inputs.Texts.Methodology}").AppendLine();
        md.AppendLine($"- **Framework:** {m.Framework?.Name} version {m.Framework?.Version ?? "n/a"} (`{m.Framework?.File}`, sha256 `{Short(m.Framework?.Sha256)}`).");
        md.AppendLine($"- **Corpus:** {m.Corpus?.Name ?? "unnamed"}, {F(m.Corpus?.DocumentCount ?? 0)} documents (corpus sha256 `{Short(m.Corpus?.Sha256)}`).");
        if (m.Models is { } models)
        {
            md.AppendLine($"- **Models:** {string.Join(", ", models.Names.Select(x => $"`{x}`"))} (chosen by {models.Source}); {F(models.RunsPerModel)} run(s) per model; analysis variant `{models.AnalysisVariant}`.");
        }

        var versions = inputs.ModelVersions.Where(kv => kv.Value.Count > 0 && !(kv.Value.Count == 1 && kv.Value[0] == kv.Key)).ToList();
        if (versions.Count > 0)
        {
            md.AppendLine($"- **Model versions returned by the providers:** {string.Join("; ", versions.Select(kv => $"`{kv.Key}` → {string.Join(", ", kv.Value.Select(v => $"`{v}`"))}"))}.");
        }

        md.AppendLine($"- **Processing:** one analysis task per document × model × run, each answer validated against the framework's dimensions (scores in 0–1) and retried with the validation error when it failed; statistics computed in code; this report assembled from them.");
        md.AppendLine($"- **Evidence:** {inputs.Texts.EvidenceNote}");
        if (m.Plan?.Pretest is { } pretest)
        {
            // A report exists only when the pre-test let the run go on.
            md.AppendLine($"- **Pre-test:** {F(pretest.SampleSize)} documents chosen with seed {F(pretest.Seed)} were analysed first and judged (spread of every dimension, failed answers against a limit of {pretest.MaxFailureRate.ToString("P0", CultureInfo.InvariantCulture)}, cost extrapolated from their tokens) before the rest of the corpus; it passed, and its answers are part of these results (`{m.Outputs.Pretest ?? "results/pretest/pretest.md"}`).");
        }

        if (inputs.Statistics.Filtering is { } filtering)
        {
            md.AppendLine($"- **Reliability filtering:** {F(filtering.Excluded)} of {F(filtering.Observations)} scored observations (dimension × analysis) were left out of the statistics ({FilteringRule(filtering)}); {F(filtering.AnalysesFullyExcluded)} analysis(es) lost every dimension.");
            foreach (var dimension in filtering.Dimensions.Where(d => d.Excluded > 0 || d.ExcludedByName || d.IncludedByName))
            {
                var reasons = new List<string>();
                if (dimension.ExcludedByName) reasons.Add("excluded by `exclude_dimensions`");
                if (dimension.IncludedByName) reasons.Add("kept by `include_dimensions`");
                if (dimension.BelowSalience > 0) reasons.Add($"{F(dimension.BelowSalience)} below the salience threshold");
                if (dimension.BelowConfidence > 0) reasons.Add($"{F(dimension.BelowConfidence)} below the confidence threshold");
                if (dimension.BelowReliability > 0) reasons.Add($"{F(dimension.BelowReliability)} below the reliability threshold");
                if (dimension.BelowDimensionThreshold > 0) reasons.Add($"{F(dimension.BelowDimensionThreshold)} below its own salience threshold");
                md.AppendLine($"  - {dimension.Name}: {F(dimension.Excluded)} of {F(dimension.Observations)} left out ({string.Join("; ", reasons)}).");
            }
        }

        md.AppendLine().AppendLine("| dimension | description |").AppendLine("|---|---|");
        foreach (var dimension in inputs.Dimensions)
        {
            md.AppendLine($"| {dimension.Name} | {Cell(dimension.Description ?? "")} |");
        }

        md.AppendLine();
    }

    private static void DetailedFindings(StringBuilder md, ReportInputs inputs)
    {
        var s = inputs.Statistics;
        md.AppendLine($"## {inputs.Texts.DetailedFindings}").AppendLine();
        md.AppendLine(Chart("distribution")).AppendLine();
        md.AppendLine("| dimension | n | mean | 95% CI | sd | min | median | IQR | max | mean salience | mean confidence |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var d in s.Dimensions)
        {
            md.AppendLine($"| {d.Name} | {F(d.Score.N)} | {N(d.Score.Mean)} | {Ci(d.Score)} | {N(d.Score.Sd)} | {N(d.Score.Min)} | {N(d.Score.Median)} | {N(d.Score.Iqr)} | {N(d.Score.Max)} | {N(d.MeanSalience)} | {N(d.MeanConfidence)} |");
        }

        md.AppendLine();
        if (s.DerivedMetrics.Count > 0)
        {
            md.AppendLine("| derived metric | n | mean | 95% CI | sd | min | median | IQR | max |").AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var metric in s.DerivedMetrics)
            {
                var x = metric.Summary;
                md.AppendLine($"| {metric.Name} | {F(x.N)} | {N(x.Mean)} | {Ci(x)} | {N(x.Sd)} | {N(x.Min)} | {N(x.Median)} | {N(x.Iqr)} | {N(x.Max)} |");
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
            var names = s.Dimensions.Select(d => d.Name).ToList();
            md.AppendLine($"| {comparison.Field} | n | {string.Join(" | ", names)} |");
            md.AppendLine($"|---|---|{string.Concat(names.Select(_ => "---|"))}");
            foreach (var group in comparison.Groups)
            {
                var means = names.Select(n => N(group.Dimensions.FirstOrDefault(x => x.Name == n)?.Summary.Mean));
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
                md.AppendLine("| variable | test | groups | statistic | df | p | p (Holm) | effect size |").AppendLine("|---|---|---|---|---|---|---|---|");
                foreach (var g in tests)
                {
                    var df = g.Test.Df2 is { } df2 ? $"{N(g.Test.Df1, 0)}, {N(df2, 0)}" : g.Test.Df1 is { } df1 ? N(df1, df1 % 1 == 0 ? 0 : 3) : "";
                    var effect = g.Test.EffectSizeName is { } name ? $"{name.Replace('_', ' ')} {N(g.Test.EffectSize)}" : "";
                    md.AppendLine($"| {g.Variable} | {TestName(g.Test.Test)} | {Cell(g.Groups.Count == 2 ? $"{g.Groups[0]} (n = {F(g.GroupSizes[0])}) vs {g.Groups[1]} (n = {F(g.GroupSizes[1])})" : $"{F(g.Groups.Count)} groups (n = {string.Join(", ", g.GroupSizes.Select(F))})")} | {N(g.Test.Statistic)} | {df} | {P(g.Test.P)} | {P(g.PHolm)} | {effect} |");
                }

                md.AppendLine();
            }
        }

        if (s.Inference is { } inference)
        {
            md.AppendLine(InferenceNote(inference)).AppendLine();
        }
    }

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

    private static void Reliability(StringBuilder md, CorpusStatistics s, ReportTexts t)
    {
        if (s.Reliability is not { Comparisons.Count: > 0 } reliability)
        {
            return;
        }

        md.AppendLine($"## {t.Reliability}").AppendLine();
        md.AppendLine($"Agreement per dimension between readings of the same documents: Krippendorff's alpha (interval), ICC(2,1), Lin's concordance (CCC) and Pearson r where two readings are compared, and the mean absolute difference on the 0–1 scale. Dimensions with alpha below {N(reliability.Threshold)} are marked ⚠ unreliable; n/a means the readings do not vary (alpha is undefined).").AppendLine();
        md.AppendLine(Chart("agreement")).AppendLine();
        foreach (var comparison in reliability.Comparisons)
        {
            md.AppendLine($"### {Cell(char.ToUpperInvariant(comparison.Label[0]) + comparison.Label[1..])}").AppendLine();
            md.AppendLine($"Readings compared: {string.Join(", ", comparison.Coders.Select(c => $"`{c}`"))}.").AppendLine();
            var gold = comparison.Kind == "gold";
            md.AppendLine(gold
                ? "| dimension | documents | alpha | ICC(2,1) | CCC | Pearson r | mean abs. difference | coders' alpha (ceiling) | |"
                : "| dimension | documents | alpha | ICC(2,1) | CCC | Pearson r | mean abs. difference | |");
            md.AppendLine(gold ? "|---|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|---|");
            foreach (var d in comparison.Dimensions)
            {
                var flag = d.Unreliable ? "⚠ unreliable" : "";
                md.AppendLine(gold
                    ? $"| {d.Dimension} | {F(d.Documents)} | {N(d.Alpha)} | {N(d.Icc)} | {N(d.Ccc)} | {N(d.Pearson)} | {N(d.MeanAbsoluteDifference)} | {N(d.Ceiling)} | {flag} |"
                    : $"| {d.Dimension} | {F(d.Documents)} | {N(d.Alpha)} | {N(d.Icc)} | {N(d.Ccc)} | {N(d.Pearson)} | {N(d.MeanAbsoluteDifference)} | {flag} |");
            }

            md.AppendLine();
        }
    }

    /// <summary>What the tests are and what they are not, in one paragraph.</summary>
    private static string InferenceNote(InferenceSummary inference) =>
        inference.DescriptiveOnly
            ? $"*{inference.Note}*"
            : $"*Two groups: Welch's t-test (Hedges' g) and Mann–Whitney U; more groups: one-way ANOVA (eta²) and Kruskal–Wallis. p-values are two-sided; \"p (Holm)\" is adjusted across all {F(inference.HolmFamilySize)} tests of this run. Grouping fields: {(inference.GroupingFields.Count == 0 ? "none" : string.Join(", ", inference.GroupingFields))} ({inference.GroupingSource}).*";

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

    /// <summary>p-values below 0.001 are written "&lt; 0.001", as journals do.</summary>
    private static string P(double? p) => p is { } v && v < 0.001 ? "< 0.001" : N(p);

    private static string Ci(SummaryStatistics summary) =>
        summary.CiLower is { } low && summary.CiUpper is { } high ? $"[{N(low)}, {N(high)}]" : StatisticsFormatter.NotAvailable;

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
            md.AppendLine("| pair | n | Pearson r | p | p (Holm) | Spearman ρ | p | p (Holm) |").AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var x in tests)
            {
                md.AppendLine($"| {x.First} × {x.Second} | {F(x.N)} | {N(x.Pearson.Statistic)} | {P(x.Pearson.P)} | {P(x.PearsonPHolm)} | {N(x.Spearman.Statistic)} | {P(x.Spearman.P)} | {P(x.SpearmanPHolm)} |");
            }

            md.AppendLine();
        }
    }

    private static void Appendix(StringBuilder md, ReportInputs inputs)
    {
        var m = inputs.Manifest;
        md.AppendLine($"## {inputs.Texts.Appendix}").AppendLine();
        md.AppendLine($"- **Run id:** `{m.RunId}`");
        md.AppendLine($"- **Framework hash:** `{m.Framework?.Sha256}`");
        md.AppendLine($"- **Corpus hash:** `{m.Corpus?.Sha256}`");
        md.AppendLine($"- **Experiment configuration hash:** `{m.Experiment.ConfigSha256}`");
        foreach (var prompt in m.Prompts)
        {
            md.AppendLine($"- **Prompt `{prompt.Name}`:** `{prompt.Sha256}`");
        }

        var stages = m.Stages.Where(x => x.DurationMs is not null).ToList();
        var processing = stages.Sum(x => x.DurationMs ?? 0) / 1000.0;
        md.AppendLine($"- **Processing time:** {processing.ToString("F1", CultureInfo.InvariantCulture)} s ({string.Join(", ", stages.Select(x => $"{x.Name} {((x.DurationMs ?? 0) / 1000.0).ToString("F1", CultureInfo.InvariantCulture)} s"))})");
        var cost = m.Cost;
        md.AppendLine($"- **Cost:** ${cost.ActualUsd.ToString("F4", CultureInfo.InvariantCulture)}{(cost.Complete ? "" : " (lower bound: some models have no known price)")}; {F(cost.ModelCalls)} model call(s), {F(cost.CachedCalls)} from cache; {cost.PromptTokens.ToString(CultureInfo.InvariantCulture)} prompt and {cost.CompletionTokens.ToString(CultureInfo.InvariantCulture)} completion tokens.");
        md.AppendLine($"- **Software:** {m.Software.Name} {m.Software.Version} on {m.Software.Runtime}");
        md.AppendLine();
    }

    private static string FilteringRule(FilteringSummary f)
    {
        var parts = new List<string>();
        if (f.SalienceThreshold is { } s) parts.Add($"salience ≥ {N(s)}");
        if (f.ConfidenceThreshold is { } c) parts.Add($"confidence ≥ {N(c)}");
        if (f.ReliabilityThreshold is { } r) parts.Add($"reliability ({f.ReliabilityCalculation}) ≥ {N(r)}");
        return parts.Count == 0 ? "advanced_filtering" : "kept when " + string.Join(", ", parts);
    }

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

    /// <summary>Model-written headings go below the report's own, so they cannot break its outline.</summary>
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
