namespace Discernus.Statistics;

/// <summary>
/// Paired readings of the same units (a model and the coders' mean, or one coder and the mean of the other coders),
/// measured as they are or under a document-level bootstrap resample given as how often each unit was drawn.
/// </summary>
/// <remarks>
/// A resample is the sample with every unit repeated as often as it was drawn, so each statistic below is the textbook
/// one applied to that repeated sample, computed with the draw counts as frequency weights instead of by copying pairs.
/// The order of each side is sorted once here, so the average ranks of Spearman's ρ in a resample are one walk over
/// that order: a resample costs time linear in the number of pairs.
/// </remarks>
internal sealed class WeightedPairs
{
    /// <summary>Below three different units a correlation is undefined or trivially ±1 (as in the corpus statistics).</summary>
    public const int MinimumCorrelationUnits = 3;

    private readonly int[] units;
    private readonly double[] x;
    private readonly double[] y;
    private readonly int[] byX;
    private readonly int[] byY;

    // Scratch space of one measurement; an instance is used by one computation at a time.
    private readonly double[] weights;
    private readonly double[] ranksX;
    private readonly double[] ranksY;

    /// <param name="pairs">Unit index (into the draw counts) and the two readings of that unit; a unit appears at most once.</param>
    public WeightedPairs(IReadOnlyList<(int Unit, double X, double Y)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        units = pairs.Select(p => p.Unit).ToArray();
        x = pairs.Select(p => p.X).ToArray();
        y = pairs.Select(p => p.Y).ToArray();
        byX = Enumerable.Range(0, x.Length).OrderBy(i => x[i]).ToArray();
        byY = Enumerable.Range(0, y.Length).OrderBy(i => y[i]).ToArray();
        weights = new double[x.Length];
        ranksX = new double[x.Length];
        ranksY = new double[x.Length];
    }

    public int Count => units.Length;

    /// <summary>Mean of the first reading over the pairs; null without pairs.</summary>
    public double? MeanX => x.Length == 0 ? null : Finite.OrNull(x.Average());

    /// <summary>Mean of the second reading over the pairs; null without pairs.</summary>
    public double? MeanY => y.Length == 0 ? null : Finite.OrNull(y.Average());

    /// <summary>The point estimates, with the same building blocks the reliability section uses.</summary>
    public PairMetrics Measure()
    {
        if (x.Length == 0)
        {
            return PairMetrics.Empty;
        }

        return new PairMetrics(
            x.Length,
            x.Length,
            HypothesisTests.Pearson(x, y).Statistic,
            HypothesisTests.Spearman(x, y).Statistic,
            AgreementStatistics.LinCcc(x, y),
            AgreementStatistics.MeanAbsoluteDifference(x, y));
    }

    /// <summary>The statistics on a resample.</summary>
    /// <param name="draws">For every unit index, how often the resample drew it.</param>
    public PairMetrics Measure(IReadOnlyList<int> draws)
    {
        ArgumentNullException.ThrowIfNull(draws);
        double n = 0;
        var distinct = 0;
        for (var i = 0; i < units.Length; i++)
        {
            weights[i] = draws[units[i]];
            if (weights[i] > 0)
            {
                n += weights[i];
                distinct++;
            }
        }

        if (distinct == 0)
        {
            return PairMetrics.Empty;
        }

        double absolute = 0;
        for (var i = 0; i < units.Length; i++)
        {
            absolute += weights[i] * Math.Abs(x[i] - y[i]);
        }

        var (meanX, meanY, sxx, syy, sxy) = Moments(x, y, weights, n);
        double? ccc = null;
        if (distinct >= 2)
        {
            // Lin's CCC with moments over n, as AgreementStatistics.LinCcc.
            var denominator = (sxx / n) + (syy / n) + ((meanX - meanY) * (meanX - meanY));
            ccc = denominator <= 0 ? null : Finite.OrNull(2 * sxy / n / denominator);
        }

        double? pearson = null, spearman = null;
        if (distinct >= MinimumCorrelationUnits && !Constant(x, weights) && !Constant(y, weights))
        {
            pearson = Correlation(sxx, syy, sxy);
            AverageRanks(x, byX, weights, ranksX);
            AverageRanks(y, byY, weights, ranksY);
            var (_, _, rxx, ryy, rxy) = Moments(ranksX, ranksY, weights, n);
            spearman = Correlation(rxx, ryy, rxy);
        }

        return new PairMetrics(n, distinct, pearson, spearman, ccc, Finite.OrNull(absolute / n));
    }

    private static (double MeanX, double MeanY, double Sxx, double Syy, double Sxy) Moments(double[] a, double[] b, double[] w, double n)
    {
        double sumA = 0, sumB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sumA += w[i] * a[i];
            sumB += w[i] * b[i];
        }

        var (meanA, meanB) = (sumA / n, sumB / n);
        double saa = 0, sbb = 0, sab = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var (da, db) = (a[i] - meanA, b[i] - meanB);
            saa += w[i] * da * da;
            sbb += w[i] * db * db;
            sab += w[i] * da * db;
        }

        return (meanA, meanB, saa, sbb, sab);
    }

    private static double? Correlation(double saa, double sbb, double sab) =>
        saa <= 0 || sbb <= 0 ? null : Finite.OrNull(Math.Clamp(sab / Math.Sqrt(saa * sbb), -1, 1));

    // Exact equality, as HypothesisTests: a mean of equal values can differ from them in the last bit, which would
    // otherwise leave a spurious variance of 1e-33 and a meaningless r.
    private static bool Constant(double[] values, double[] w)
    {
        double? first = null;
        for (var i = 0; i < values.Length; i++)
        {
            if (w[i] > 0)
            {
                if (first is null)
                {
                    first = values[i];
                }
                else if (values[i] != first)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Average ranks in the repeated sample: a run of tied values of total weight W after P earlier values occupies
    /// ranks P + 1 … P + W, so each gets P + (W + 1) / 2. Undrawn pairs get a rank that no sum uses.
    /// </summary>
    private static void AverageRanks(double[] values, int[] order, double[] w, double[] ranks)
    {
        double position = 0;
        var start = 0;
        while (start < order.Length)
        {
            var end = start;
            double weight = 0;
            while (end < order.Length && values[order[end]] == values[order[start]])
            {
                weight += w[order[end]];
                end++;
            }

            var rank = position + ((weight + 1) / 2);
            for (var k = start; k < end; k++)
            {
                ranks[order[k]] = rank;
            }

            position += weight;
            start = end;
        }
    }
}
