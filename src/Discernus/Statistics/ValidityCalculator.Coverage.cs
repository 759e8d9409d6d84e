using Discernus.Experiments;
using MathNet.Numerics.Statistics;

namespace Discernus.Statistics;

/// <summary>What the gold file covers, and the table of coders.</summary>
internal static partial class ValidityCalculator
{
    public const string CompleteDesign = "complete";
    public const string SparseDesign = "sparse";

    /// <param name="used">Gold rows on analysed documents and framework dimensions.</param>
    private static GoldCoverage Coverage(IReadOnlyList<GoldRating> used, IReadOnlyList<DimensionGold> golds, int corpusDocuments)
    {
        var codersPerDocument = used.GroupBy(g => g.DocumentId, StringComparer.Ordinal)
            .Select(g => g.Select(r => r.Coder).Distinct(StringComparer.Ordinal).Count())
            .ToList();
        var coderCount = used.Select(g => g.Coder).Distinct(StringComparer.Ordinal).Count();

        // Complete: every coder rated every coded document on every dimension it was coded on.
        var complete = golds.All(g => g.Ratings.All(u => u.Count == coderCount));
        return new GoldCoverage(
            codersPerDocument.Count,
            corpusDocuments,
            used.Count,
            coderCount,
            codersPerDocument.Count == 0 ? 0 : codersPerDocument.Min(),
            codersPerDocument.Count == 0 ? 0 : codersPerDocument.Select(c => (double)c).Median(),
            codersPerDocument.Count == 0 ? 0 : codersPerDocument.Max(),
            complete ? CompleteDesign : SparseDesign);
    }

    /// <summary>
    /// Each coder against the mean of the others, per dimension, averaged over dimensions weighted by shared documents;
    /// the coders with most documents first (ties by id), at most <see cref="ValiditySummary.MaxCodersListed"/>: a
    /// sparse design has hundreds of coders, and the report lists the ones that carry the ceiling.
    /// </summary>
    private static (IReadOnlyList<CoderAgreement> Listed, int NotListed) CoderTable(
        IReadOnlyList<GoldRating> used,
        IReadOnlyList<DimensionGold> golds,
        IReadOnlyList<HumanCeiling> ceilings)
    {
        var pearson = new Dictionary<string, (double Sum, double Weight)>(StringComparer.Ordinal);
        var difference = new Dictionary<string, (double Sum, double Weight)>(StringComparer.Ordinal);
        static void Add(Dictionary<string, (double Sum, double Weight)> into, string coder, double? value, double weight)
        {
            if (value is { } v && weight > 0)
            {
                var (sum, total) = into.GetValueOrDefault(coder);
                into[coder] = (sum + (weight * v), total + weight);
            }
        }

        for (var d = 0; d < golds.Count; d++)
        {
            foreach (var (coder, metrics) in ceilings[d].PerCoder())
            {
                var id = golds[d].Coders[coder];
                Add(difference, id, metrics.MeanAbsoluteError, metrics.Weight);
                if (metrics.Distinct >= WeightedPairs.MinimumCorrelationUnits)
                {
                    Add(pearson, id, metrics.Pearson, metrics.Weight);
                }
            }
        }

        static double? Mean(Dictionary<string, (double Sum, double Weight)> from, string coder) =>
            from.TryGetValue(coder, out var s) ? Finite.OrNull(s.Sum / s.Weight) : null;

        var all = used.GroupBy(g => g.Coder, StringComparer.Ordinal)
            .Select(g => new CoderAgreement(
                g.Key,
                g.Select(r => r.DocumentId).Distinct(StringComparer.Ordinal).Count(),
                g.Count(),
                Mean(pearson, g.Key),
                Mean(difference, g.Key)))
            .OrderByDescending(c => c.Documents)
            .ThenBy(c => c.Coder, StringComparer.Ordinal)
            .ToList();
        return (all.Take(ValiditySummary.MaxCodersListed).ToList(), Math.Max(0, all.Count - ValiditySummary.MaxCodersListed));
    }
}
