namespace Discernus.Statistics;

/// <summary>
/// How well one coder agrees with the others on a dimension, the most a model can be expected to reach: each coder
/// against the mean of the other coders on the documents they share with at least one other coder, averaged over
/// coders weighted by their number of such documents; alpha is the coders' alpha among themselves.
/// </summary>
/// <remarks>
/// Only coders with at least <see cref="WeightedPairs.MinimumCorrelationUnits"/> such documents contribute a
/// correlation (r, ρ, CCC): fewer give a trivial ±1. When no coder has that many, as in a design where every coder
/// codes one or two documents, all (coder, mean of the others) pairs are pooled into one sample instead
/// (<see cref="Pooled"/>). The absolute error averages over every coder. Correlations are averaged as they are, not
/// through Fisher's z: the ceiling is compared with a model's r on the same scale.
/// </remarks>
internal sealed class HumanCeiling
{
    private readonly WeightedPairs[] coders;
    private readonly int[] coderIndex;
    private readonly WeightedPairs? pooled;
    private readonly WeightedAlpha alpha;

    public HumanCeiling(DimensionGold gold)
    {
        ArgumentNullException.ThrowIfNull(gold);
        var pairs = gold.Coders.Select(_ => new List<(int Unit, double X, double Y)>()).ToArray();
        var shared = new List<double>();
        for (var unit = 0; unit < gold.Ratings.Count; unit++)
        {
            var ratings = gold.Ratings[unit];
            if (ratings.Count < 2)
            {
                continue;
            }

            shared.Add(gold.Means[unit]);
            foreach (var (coder, score) in ratings)
            {
                // Summed afresh rather than as (total − score): two documents whose other coders agree exactly must
                // tie exactly, or Spearman's ρ ranks them apart on a rounding difference.
                var others = ratings.Where(r => r.Coder != coder).Average(r => r.Score);
                pairs[coder].Add((unit, score, others));
            }
        }

        var present = Enumerable.Range(0, pairs.Length).Where(c => pairs[c].Count > 0).ToArray();
        coders = present.Select(c => new WeightedPairs(pairs[c])).ToArray();
        coderIndex = present;
        Pooled = coders.Length > 0 && coders.All(c => c.Count < WeightedPairs.MinimumCorrelationUnits);
        pooled = Pooled ? new WeightedPairs(present.SelectMany(c => pairs[c]).ToList()) : null;
        alpha = new WeightedAlpha(gold.Ratings.Select((u, i) => (i, (IReadOnlyList<double>)u.Select(r => r.Score).ToList())));
        Documents = shared.Count;
        CodersMean = shared.Count == 0 ? null : Finite.OrNull(shared.Average());
    }

    /// <summary>Documents with at least two coders.</summary>
    public int Documents { get; }

    /// <summary>Mean of the coders' mean over those documents.</summary>
    public double? CodersMean { get; }

    /// <summary>No coder shares enough documents for a correlation of their own: the pairs are pooled.</summary>
    public bool Pooled { get; }

    /// <summary>The point estimates.</summary>
    public AgreementPoint Measure() => Combine(coders.Select(c => c.Measure()).ToArray(), pooled?.Measure(), alpha.Measure());

    /// <summary>The estimates on a resample (draw counts per unit).</summary>
    public AgreementPoint Measure(IReadOnlyList<int> draws) =>
        Combine(Pooled ? [] : coders.Select(c => c.Measure(draws)).ToArray(), pooled?.Measure(draws), alpha.Measure(draws));

    /// <summary>Each coder (index into the dimension's coders) with their agreement with the others, point estimates.</summary>
    public IEnumerable<(int Coder, PairMetrics Metrics)> PerCoder() =>
        coders.Select((c, i) => (coderIndex[i], c.Measure()));

    private static AgreementPoint Combine(PairMetrics[] perCoder, PairMetrics? pooledMetrics, double? alpha)
    {
        if (pooledMetrics is { } p)
        {
            return new AgreementPoint(p.Pearson, p.Spearman, p.Ccc, p.MeanAbsoluteError, alpha);
        }

        var (pearson, spearman, ccc, error) = (new WeightedMean(), new WeightedMean(), new WeightedMean(), new WeightedMean());
        foreach (var m in perCoder)
        {
            error.Add(m.MeanAbsoluteError, m.Weight);
            if (m.Distinct >= WeightedPairs.MinimumCorrelationUnits)
            {
                pearson.Add(m.Pearson, m.Weight);
                spearman.Add(m.Spearman, m.Weight);
                ccc.Add(m.Ccc, m.Weight);
            }
        }

        return new AgreementPoint(pearson.Value, spearman.Value, ccc.Value, error.Value, alpha);
    }

    /// <summary>A mean weighted by documents over the coders for whom a statistic is defined.</summary>
    private struct WeightedMean
    {
        private double sum;
        private double weight;

        public void Add(double? value, double w)
        {
            if (value is { } v && w > 0)
            {
                sum += w * v;
                weight += w;
            }
        }

        public readonly double? Value => weight > 0 ? Finite.OrNull(sum / weight) : null;
    }
}
