using System.Globalization;
using System.Text;
using Discernus.Provenance;
using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>The Methodology and the Appendix: how the run was made and what it is traceable to.</summary>
internal static partial class MarkdownReportBuilder
{
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
            md.AppendLine($"- **Pre-test:** {F(pretest.SampleSize)} documents chosen with seed {F(pretest.Seed)} were analysed first and judged (spread of every dimension, failed answers against a limit of {pretest.MaxFailureRate.ToString("P0", CultureInfo.InvariantCulture)}, cost extrapolated from their tokens) before the rest of the corpus; it passed, and its answers are part of these results (`{m.Outputs.Pretest ?? RunFolder.PretestMarkdownFile}`).");
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
        // The same counts, in the same words, as the run summary, `discernus costs` and serve (one record per call).
        md.AppendLine($"- **Cost:** ${cost.ActualUsd.ToString("F4", CultureInfo.InvariantCulture)}{(cost.Complete ? "" : " (lower bound: some models have no known price)")}; {cost.Work()}; {cost.PromptTokens.ToString(CultureInfo.InvariantCulture)} prompt and {cost.CompletionTokens.ToString(CultureInfo.InvariantCulture)} completion tokens sent to providers.");
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
}
