using Discernus.Agents;
using Discernus.Experiments;
using Discernus.Statistics;

namespace Discernus.Web.Coding;

/// <summary>One line of the agreement table: a comparison (a model against the coders, or the coders among themselves).</summary>
/// <param name="Pooled">Krippendorff's alpha (interval) over every coded document and dimension at once.</param>
/// <param name="Units">Document × dimension cells with at least two readings (what <paramref name="Pooled"/> is computed on).</param>
public sealed record AgreementLine(string Kind, string Label, double? Pooled, int Units, IReadOnlyList<(string Dimension, int Documents, double? Alpha)> Dimensions);

/// <summary>Live agreement between the human codes and the models of a run, as the report's reliability section computes it.</summary>
public sealed record AgreementView(string? RunId, IReadOnlyList<string> Coders, int CodedDocuments, int Ratings, IReadOnlyList<AgreementLine> Lines)
{
    /// <summary>
    /// Agreement from the gold file as it is now and the per-document results of <paramref name="run"/> (null: coders
    /// only). Per dimension through <see cref="ReliabilityCalculator.CompareWithCoders"/>, the same code as the report;
    /// pooled over all dimensions with the same <see cref="AgreementStatistics.KrippendorffAlphaInterval"/>.
    /// </summary>
    internal static AgreementView Compute(Experiment experiment, IReadOnlyList<GoldRating> gold, string? runId, IReadOnlyList<AnalysisResult> results)
    {
        var dimensions = experiment.Framework.Dimensions.Select(d => d.Name).ToList();
        var records = results.Select(new AnalysisRecordFactory().Create).ToList();
        var comparisons = ReliabilityCalculator.CompareWithCoders(records, dimensions, gold.Select(g => (g.DocumentId, g.Dimension, g.Score, g.Coder)).ToList());
        // cell → coder → score (a coder's repeated rows averaged, as the calculator does).
        var human = gold.GroupBy(g => (g.DocumentId, g.Dimension))
            .ToDictionary(g => g.Key, g => g.GroupBy(r => r.Coder, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Average(r => r.Score), StringComparer.Ordinal));
        var lines = new List<AgreementLine>();
        foreach (var comparison in comparisons)
        {
            List<IReadOnlyList<double>> units;
            if (comparison.Kind == "coders")
            {
                units = human.Values.Where(c => c.Count >= 2).Select(c => (IReadOnlyList<double>)c.Values.ToList()).ToList();
            }
            else
            {
                var model = comparison.Coders[^1];
                var modelScores = records.Where(r => (r.Model ?? StatisticsCalculator.UnspecifiedModel) == model)
                    .SelectMany(r => r.Dimensions.Select(d => (Cell: (r.CorpusDocumentId ?? r.DocumentName, d.Key), d.Value.Score)))
                    .Where(x => x.Score is { } s && double.IsFinite(s))
                    .GroupBy(x => x.Cell)
                    .ToDictionary(g => g.Key, g => g.Average(x => x.Score!.Value));
                units = human.Where(h => modelScores.ContainsKey(h.Key))
                    .Select(h => (IReadOnlyList<double>)h.Value.Values.Append(modelScores[h.Key]).ToList())
                    .ToList();
            }

            lines.Add(new AgreementLine(
                comparison.Kind,
                comparison.Label,
                AgreementStatistics.KrippendorffAlphaInterval(units),
                units.Count,
                comparison.Dimensions.Select(d => (d.Dimension, d.Documents, d.Alpha)).ToList()));
        }

        return new AgreementView(
            runId,
            gold.Select(g => g.Coder).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            gold.Select(g => g.DocumentId).Distinct(StringComparer.Ordinal).Count(),
            gold.Count,
            lines);
    }
}
