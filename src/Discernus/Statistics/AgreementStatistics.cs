using MathNet.Numerics.Statistics;

namespace Discernus.Statistics;

/// <summary>
/// Agreement between coders (runs, models, humans) on the same units (documents): Krippendorff's alpha (interval),
/// ICC(2,1), Lin's concordance correlation and the mean absolute difference. Public to the assembly so that the
/// reliability section, the gold-file comparison and the human-coding view all compute them the same way.
/// </summary>
internal static class AgreementStatistics
{
    /// <summary>
    /// Krippendorff's alpha for interval data (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):
    /// 1 − D_o / D_e over pairable values, i.e. units with at least two values; missing values are simply absent.
    /// </summary>
    /// <param name="units">For each unit, the values the coders gave it.</param>
    /// <returns>Null when fewer than two units are pairable or the values do not vary at all.</returns>
    public static double? KrippendorffAlphaInterval(IEnumerable<IReadOnlyList<double>> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var pairable = units.Where(u => u.Count >= 2).ToList();
        var n = pairable.Sum(u => u.Count);
        if (pairable.Count < 2 || n < 3)
        {
            return null;
        }

        // Σ_{i≠j} (v_i − v_j)² = 2 (m Σv² − (Σv)²), so both disagreements are linear in the number of values.
        static double SquaredDifferences(IReadOnlyCollection<double> values)
        {
            double sum = 0, squares = 0;
            foreach (var v in values)
            {
                sum += v;
                squares += v * v;
            }

            return 2 * ((values.Count * squares) - (sum * sum));
        }

        var observed = pairable.Sum(u => SquaredDifferences(u) / (u.Count - 1)) / n;
        var expected = SquaredDifferences(pairable.SelectMany(u => u).ToList()) / (n * (double)(n - 1));
        return expected <= 0 ? null : Finite.OrNull(1 - (observed / expected));
    }

    /// <summary>
    /// ICC(2,1) of Shrout and Fleiss (1979): two-way random effects, absolute agreement, single rater.
    /// Targets are the rows, raters the columns; only complete rows are used.
    /// </summary>
    /// <returns>Null with fewer than two complete targets or two raters, or when there is no variance.</returns>
    public static double? Icc21(IReadOnlyList<IReadOnlyList<double?>> ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        var rows = ratings.Where(r => r.Count > 0 && r.All(v => v is not null)).Select(r => r.Select(v => v!.Value).ToArray()).ToList();
        if (rows.Count < 2)
        {
            return null;
        }

        var k = rows[0].Length;
        if (k < 2 || rows.Any(r => r.Length != k))
        {
            return null;
        }

        var n = rows.Count;
        var grand = rows.SelectMany(r => r).Mean();
        var rowMeans = rows.Select(r => r.Mean()).ToArray();
        var columnMeans = Enumerable.Range(0, k).Select(j => rows.Select(r => r[j]).Mean()).ToArray();
        var bms = k * rowMeans.Sum(m => (m - grand) * (m - grand)) / (n - 1);
        var jms = n * columnMeans.Sum(m => (m - grand) * (m - grand)) / (k - 1);
        var residual = 0.0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < k; j++)
            {
                var e = rows[i][j] - rowMeans[i] - columnMeans[j] + grand;
                residual += e * e;
            }
        }

        var ems = residual / ((n - 1) * (k - 1));
        var denominator = bms + ((k - 1) * ems) + (k * (jms - ems) / n);
        return denominator <= 0 ? null : Finite.OrNull((bms - ems) / denominator);
    }

    /// <summary>Lin's (1989) concordance correlation coefficient: 2 s_xy / (s_x² + s_y² + (x̄ − ȳ)²), moments over n.</summary>
    public static double? LinCcc(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count || x.Count < 2)
        {
            return null;
        }

        var (mx, my) = (x.Mean(), y.Mean());
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        var n = x.Count;
        var denominator = (sxx / n) + (syy / n) + ((mx - my) * (mx - my));
        return denominator <= 0 ? null : Finite.OrNull(2 * sxy / n / denominator);
    }

    /// <summary>Mean of |x − y| over the pairs.</summary>
    public static double? MeanAbsoluteDifference(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return x.Count != y.Count || x.Count == 0 ? null : Finite.OrNull(x.Zip(y, (a, b) => Math.Abs(a - b)).Average());
    }
}
