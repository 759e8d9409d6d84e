using Discernus.Agents;
using Discernus.Experiments;
using Discernus.Statistics;

namespace Discernus.Application;

/// <summary>One line of the agreement table: a comparison (a model against the coders, or the coders among themselves).</summary>
/// <param name="Pooled">Krippendorff's alpha (interval) over every coded document and dimension at once.</param>
/// <param name="Units">Document × dimension cells with at least two readings (what <paramref name="Pooled"/> is computed on).</param>
public sealed record AgreementLine(string Kind, string Label, double? Pooled, int Units, IReadOnlyList<(string Dimension, int Documents, double? Alpha)> Dimensions);

/// <summary>The validity of one dimension as the codes stand: its status, why, and the model's r against the human ceiling's.</summary>
public sealed record ValidityLine(string Dimension, string Status, string Reason, double? ModelR, double? CeilingR);

/// <summary>Live agreement between the human codes and the models of a run, as the report's validity section computes it.</summary>
/// <param name="Resamples">Bootstrap resamples of the live preview (fewer than the report's, so the page stays quick).</param>
public sealed record AgreementView(
    string? RunId, IReadOnlyList<string> Coders, int CodedDocuments, int Ratings, IReadOnlyList<AgreementLine> Lines, IReadOnlyList<ValidityLine> Validity, int Resamples)
{
    /// <summary>Resamples of the live preview: enough to place an interval, few enough to refresh every few seconds.</summary>
    public const int PreviewResamples = 200;

    /// <summary>
    /// Agreement from the gold file as it is now and the per-document results of <paramref name="run"/> (null: coders
    /// only), through <see cref="ValidityCalculator"/> — the same code and rule as the report, with the experiment's
    /// <c>validation:</c> settings and <see cref="PreviewResamples"/> resamples; pooled over all dimensions with the same
    /// <see cref="AgreementStatistics.KrippendorffAlphaInterval"/>.
    /// </summary>
    internal static AgreementView Compute(Experiment experiment, IReadOnlyList<GoldRating> gold, string? runId, IReadOnlyList<AnalysisResult> results)
    {
        var dimensions = experiment.Framework.Dimensions.Select(d => d.Name).ToList();
        var records = results.Select(new AnalysisRecordFactory().Create).ToList();
        var settings = experiment.Validation ?? new ValiditySettings();
        var resamples = Math.Min(settings.BootstrapResamples, PreviewResamples);
        var validity = gold.Count == 0 ? null : ValidityCalculator.Compute(records, dimensions, gold, settings with { BootstrapResamples = resamples });
        // cell → coder → score (a coder's repeated rows averaged, as the calculator does).
        var human = gold.GroupBy(g => (g.DocumentId, g.Dimension))
            .ToDictionary(g => g.Key, g => g.GroupBy(r => r.Coder, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Average(r => r.Score), StringComparer.Ordinal));
        var lines = new List<AgreementLine>();
        if (validity is not null && validity.Dimensions.Any(d => d.Ceiling is not null))
        {
            var units = human.Values.Where(c => c.Count >= 2).Select(c => (IReadOnlyList<double>)c.Values.ToList()).ToList();
            lines.Add(new AgreementLine("coders", "human coders among themselves", AgreementStatistics.KrippendorffAlphaInterval(units), units.Count,
                validity.Dimensions.Select(d => (d.Dimension, d.Ceiling?.Documents ?? 0, d.Ceiling?.Alpha.Value)).ToList()));
        }

        foreach (var model in validity?.Dimensions.SelectMany(d => d.Models).Select(m => m.Model).Where(m => m != ModelAgreement.AllModels).Distinct(StringComparer.Ordinal) ?? [])
        {
            var modelScores = records.Where(r => (r.Model ?? StatisticsCalculator.UnspecifiedModel) == model)
                .SelectMany(r => r.Dimensions.Select(d => (Cell: (r.CorpusDocumentId ?? r.DocumentName, d.Key), d.Value.Score)))
                .Where(x => x.Score is { } s && double.IsFinite(s))
                .GroupBy(x => x.Cell)
                .ToDictionary(g => g.Key, g => g.Average(x => x.Score!.Value));
            var units = human.Where(h => modelScores.ContainsKey(h.Key))
                .Select(h => (IReadOnlyList<double>)h.Value.Values.Append(modelScores[h.Key]).ToList())
                .ToList();
            lines.Add(new AgreementLine("gold", $"{model} vs. human coders", AgreementStatistics.KrippendorffAlphaInterval(units), units.Count,
                validity!.Dimensions.Select(d => d.Models.FirstOrDefault(m => m.Model == model) is { } m ? (d.Dimension, m.Metrics.Documents, m.Metrics.Alpha.Value) : (d.Dimension, 0, (double?)null)).ToList()));
        }

        var statuses = validity?.Dimensions
            .Select(d => new ValidityLine(d.Dimension, d.Status, d.Reason, d.JudgedReading()?.Metrics.Pearson.Value, d.Ceiling?.Pearson.Value))
            .ToList() ?? [];
        return new AgreementView(
            runId,
            gold.Select(g => g.Coder).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            gold.Select(g => g.DocumentId).Distinct(StringComparer.Ordinal).Count(),
            gold.Count,
            lines,
            statuses,
            resamples);
    }
}
