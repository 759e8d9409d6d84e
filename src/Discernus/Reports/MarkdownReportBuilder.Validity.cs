using System.Globalization;
using System.Text;
using Discernus.Provenance;
using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>
/// Whether the model measures what the human coders measure: the validity of each dimension against the gold file, the
/// agreement behind it with the human ceiling, and how the scores were calibrated. Numbers resting on a dimension
/// that is not validated are marked wherever they appear (<see cref="ValidityMark"/>).
/// </summary>
internal static partial class MarkdownReportBuilder
{
    /// <summary>The Executive Summary's first lines: one per dimension, or one for a run without a gold file.</summary>
    private static void ValiditySummaryLines(StringBuilder md, ReportInputs inputs)
    {
        var s = inputs.Statistics;
        if (s.Validity is not { } validity)
        {
            md.AppendLine("- **Validity: unvalidated.** No gold file codes these dimensions, so nothing here shows that the scores measure what human coders would see: the findings describe the model's scores. Code a sample of documents (`discernus serve`, or a gold.csv beside the experiment) to validate them.");
            return;
        }

        md.AppendLine($"- **Validity** ({Coverage(validity.Gold)}; {ValidityRuleShort(validity)}):");
        foreach (var dimension in validity.Dimensions)
        {
            md.AppendLine($"  - {dimension.Dimension}: {StatusText(dimension.Status)} — {Cell(dimension.Reason)}{(dimension.ScaleMismatch is null ? "" : " ⚠ scale mismatch (see Reliability).")}");
        }
    }

    /// <summary>The first Key Findings: which dimensions cannot carry findings, before any number that rests on them.</summary>
    private static IEnumerable<string> ValidityFindings(ReportInputs inputs)
    {
        var s = inputs.Statistics;
        if (s.Validity is not { } validity)
        {
            yield return "*Unvalidated measurement: no gold file, so the findings below describe the model's scores, not what human coders have been shown to see.*";
            yield break;
        }

        foreach (var dimension in validity.Dimensions.Where(d => d.Status == ValidityStatus.NotValidated))
        {
            yield return $"⚠ **{dimension.Dimension} is not validated** ({Cell(dimension.Reason)}): every number below that rests on it is the model's output, not a finding.";
        }

        foreach (var dimension in validity.Dimensions.Where(d => d.Status == ValidityStatus.Validated))
        {
            yield return $"✓ **{dimension.Dimension}** is validated against the human coders ({Cell(dimension.Reason)}).";
        }
    }

    /// <summary>" ⚠ not validated" after a number that rests on a not-validated dimension; empty otherwise.</summary>
    private static string ValidityMark(CorpusStatistics s, params string[] variables) =>
        s.ValidityOf(variables) == ValidityStatus.NotValidated ? " ⚠ not validated" : "";

    private static bool RestsOnNotValidated(CorpusStatistics s, params string[] variables) =>
        s.ValidityOf(variables) == ValidityStatus.NotValidated;

    /// <summary>Why numbers on these variables are not findings: each not-validated dimension with its numbers.</summary>
    private static string NotValidatedNote(CorpusStatistics s, params string[] variables)
    {
        var dimensions = s.Validity?.Dimensions.Where(d => d.Status == ValidityStatus.NotValidated).ToList() ?? [];
        var names = s.Dimensions.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        // A derived metric rests on the not-validated dimensions its formula reads; without the formula here, name them all.
        var resting = variables.Any(v => !names.Contains(v))
            ? dimensions
            : dimensions.Where(d => variables.Contains(d.Dimension, StringComparer.Ordinal)).ToList();
        return resting.Count == 0
            ? "not validated"
            : "not validated: " + string.Join("; ", resting.Select(d => $"{d.Dimension} {Cell(d.Reason)}"));
    }

    /// <summary>The gold comparison at the head of the Reliability section.</summary>
    private static void Validity(StringBuilder md, ReportInputs inputs)
    {
        if (inputs.Statistics.Validity is not { } validity)
        {
            return;
        }

        md.AppendLine("### Validity against human coders").AppendLine();
        var gold = validity.Gold;
        md.AppendLine($"Validated on {F(gold.CodedDocuments)} of {F(gold.CorpusDocuments)} documents: {F(gold.Ratings)} ratings by {F(gold.CoderCount)} coder(s); codings per document min {F(gold.MinCodingsPerDocument)}, median {N(gold.MedianCodingsPerDocument, 1)}, max {F(gold.MaxCodingsPerDocument)} ({gold.Design} design).").AppendLine();
        md.AppendLine($"*{validity.Rule}* Every interval is a seeded document-level bootstrap (95 %, {F(validity.Settings.BootstrapResamples)} resamples, seed {validity.Settings.Seed.ToString(CultureInfo.InvariantCulture)}). The human ceiling is each coder against the mean of the other coders (r, ρ, CCC, MAE, averaged over coders) and the coders' alpha; a model is compared with the coders' mean, its alpha computed with it as one more coder.").AppendLine();

        md.AppendLine(Chart("validity")).AppendLine();
        md.AppendLine("| dimension | status | judged on | model r | ceiling r | ratio |").AppendLine("|---|---|---|---|---|---|");
        foreach (var dimension in validity.Dimensions)
        {
            var judged = dimension.JudgedReading();
            md.AppendLine($"| {dimension.Dimension} | {StatusText(dimension.Status)} | {Cell(judged is null ? "" : ReadingName(judged))} | {Est(judged?.Metrics.Pearson)} | {Est(dimension.Ceiling?.Pearson)} | {Est(judged?.RatioToCeiling)} |");
        }

        md.AppendLine();
        foreach (var dimension in validity.Dimensions)
        {
            md.AppendLine($"#### {dimension.Dimension}: {StatusText(dimension.Status)}").AppendLine();
            md.AppendLine($"{Cell(dimension.Reason)} ({F(dimension.CodedDocuments)} coded documents.)").AppendLine();
            if (dimension.ScaleMismatch is { } mismatch)
            {
                md.AppendLine($"> ⚠ {Cell(mismatch)}").AppendLine();
            }

            if (dimension.Ceiling is null && dimension.Models.Count == 0)
            {
                continue;
            }

            md.AppendLine("| reading | documents | r | ρ | CCC | MAE | alpha | mean | ratio to ceiling |").AppendLine("|---|---|---|---|---|---|---|---|---|");
            if (dimension.Ceiling is { } ceiling)
            {
                md.AppendLine($"| human ceiling | {F(ceiling.Documents)} | {Est(ceiling.Pearson)} | {Est(ceiling.Spearman)} | {Est(ceiling.Ccc)} | {Est(ceiling.MeanAbsoluteError)} | {Est(ceiling.Alpha)} | {N(ceiling.CodersMean ?? ceiling.Mean)} | |");
            }

            foreach (var model in dimension.Models)
            {
                var m = model.Metrics;
                md.AppendLine($"| {Cell(ReadingName(model))} | {F(m.Documents)} | {Est(m.Pearson)} | {Est(m.Spearman)} | {Est(m.Ccc)} | {Est(m.MeanAbsoluteError)} | {Est(m.Alpha)} | {N(m.Mean)} | {Est(model.RatioToCeiling)} |");
            }

            md.AppendLine();
        }

        if (validity.Coders.Count > 0)
        {
            md.AppendLine("Each coder against the mean of the other coders, on the documents they share (the coders with most documents first):").AppendLine();
            md.AppendLine("| coder | documents | ratings | r | MAE |").AppendLine("|---|---|---|---|---|");
            foreach (var coder in validity.Coders)
            {
                md.AppendLine($"| {Cell(Abbreviate(coder.Coder, 24))} | {F(coder.Documents)} | {F(coder.Ratings)} | {N(coder.Pearson)} | {N(coder.MeanAbsoluteDifference)} |");
            }

            if (validity.CodersNotListed > 0)
            {
                md.AppendLine().AppendLine($"{F(validity.CodersNotListed)} more coder(s) are counted in every statistic above but not listed.");
            }

            md.AppendLine();
        }

        if (validity.Calibration is { } calibration)
        {
            md.AppendLine($"**Calibration.** The scores were calibrated to the coders (method `{calibration.Method}`, {F(calibration.Folds)}-fold cross-fitting, seed {calibration.Seed.ToString(CultureInfo.InvariantCulture)}): each coded document is scored by a map fitted without it, every other document by the map fitted on all coded documents; the calibrated readings above are therefore cross-validated. The fitted maps are `{RunFolder.CalibrationFile}` (sha256 `{Short(calibration.ArtifactHash)}`); scores.csv keeps each raw score beside the calibrated one.").AppendLine();
            md.AppendLine("| model | dimension | map | coded documents |").AppendLine("|---|---|---|---|");
            foreach (var choice in calibration.Choices)
            {
                var map = choice.Method + (choice.Penalty is { } penalty ? $" (penalty {penalty.ToString("G3", CultureInfo.InvariantCulture)})" : "") + (choice.Features is { } features ? $" on {features}" : "");
                md.AppendLine($"| {Cell(choice.Model)} | {choice.Dimension} | {Cell(map)} | {F(choice.CodedDocuments)} |");
            }

            md.AppendLine();
            foreach (var choice in calibration.Choices.Where(c => c.Note is not null))
            {
                md.AppendLine($"- {Cell(choice.Model)} / {choice.Dimension}: {Cell(choice.Note!)}.");
            }

            if (calibration.Choices.Any(c => c.Note is not null))
            {
                md.AppendLine();
            }
        }
    }

    private static string ReadingName(ModelAgreement model) =>
        model.Scores == ModelAgreement.Calibrated ? $"{model.Model} (calibrated)" : model.Model;

    private static string Coverage(GoldCoverage gold) =>
        $"validated on {F(gold.CodedDocuments)} of {F(gold.CorpusDocuments)} documents";

    private static string ValidityRuleShort(ValiditySummary validity) =>
        $"a dimension is validated when the model's r reaches {N(validity.Settings.MinRatio, 2)} × the human ceiling within its 95 % interval";

    private static string StatusText(string status) => status switch
    {
        ValidityStatus.Validated => "✓ validated",
        ValidityStatus.NotValidated => "✗ not validated",
        _ => "unvalidated",
    };

    /// <summary>"0.712 [0.650, 0.761]"; the interval left out where it is undefined.</summary>
    private static string Est(Estimate? estimate) =>
        estimate?.Value is not { } value ? StatisticsFormatter.NotAvailable
        : estimate.Lower is { } low && estimate.Upper is { } high ? $"{N(value)} [{N(low)}, {N(high)}]"
        : N(value);

    private static string Abbreviate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
