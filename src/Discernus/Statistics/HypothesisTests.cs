using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace Discernus.Statistics;

/// <summary>
/// Significance tests computed in code from MathNet's distributions, ranks and moments. Each follows the textbook
/// definition R and SciPy implement (the unit tests hold their published outputs); inputs with too little data or no
/// variance give null statistics rather than an exception.
/// </summary>
internal static class HypothesisTests
{
    /// <summary>
    /// Welch's unequal-variance t-test with Welch–Satterthwaite degrees of freedom, and Hedges' g with its 95 % interval.
    /// <paramref name="alternative"/> as SciPy's <c>ttest_ind(first, second, equal_var=False, alternative=...)</c>:
    /// <see cref="TestResult.Greater"/> tests mean(first) &gt; mean(second).
    /// </summary>
    public static TestResult WelchT(IReadOnlyList<double> first, IReadOnlyList<double> second, string alternative = TestResult.TwoSided)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var (n1, n2) = ((double)first.Count, (double)second.Count);
        if (n1 < 2 || n2 < 2)
        {
            return new TestResult("welch_t", null, null, null, null, "hedges_g") { Alternative = alternative };
        }

        var (m1, v1) = first.MeanVariance();
        var (m2, v2) = second.MeanVariance();
        var (a, b) = (v1 / n1, v2 / n2);
        var g = EffectSizes.HedgesG(m1, m2, v1, v2, n1, n2);
        var interval = EffectSizes.HedgesGInterval(g, n1, n2);
        if (a + b == 0)
        {
            return new TestResult("welch_t", null, null, null, null, "hedges_g", g) { Alternative = alternative, EffectSizeCi = interval };
        }

        var t = (m1 - m2) / Math.Sqrt(a + b);
        var df = (a + b) * (a + b) / ((a * a / (n1 - 1)) + (b * b / (n2 - 1)));
        return new TestResult("welch_t", Finite.OrNull(t), Finite.OrNull(df), null, POfT(t, df, alternative), "hedges_g", g)
        {
            Alternative = alternative,
            EffectSizeCi = interval,
        };
    }

    /// <summary>
    /// Mann–Whitney U of the first sample (R's W). Exact p-value when there are no ties and both samples have fewer
    /// than 50 values (as R's wilcox.test), otherwise the normal approximation with tie and continuity corrections.
    /// </summary>
    public static TestResult MannWhitneyU(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        int n1 = first.Count, n2 = second.Count;
        if (n1 == 0 || n2 == 0)
        {
            return new TestResult("mann_whitney_u", null, null, null, null);
        }

        var all = first.Concat(second).ToArray();
        var ranks = all.Ranks(RankDefinition.Average);
        var rankSum = ranks.Take(n1).Sum();
        var u = rankSum - (n1 * (n1 + 1) / 2.0);
        var ties = all.GroupBy(v => v).Select(group => (double)group.Count()).Where(c => c > 1).ToList();
        if (ties.Count == 0 && n1 < 50 && n2 < 50)
        {
            return new TestResult("mann_whitney_u", u, null, null, ExactMannWhitneyP(u, n1, n2), Method: "exact");
        }

        var n = (double)(n1 + n2);
        var mean = n1 * n2 / 2.0;
        var variance = n1 * n2 / 12.0 * ((n + 1) - (ties.Sum(t => (t * t * t) - t) / (n * (n - 1))));
        if (variance <= 0)
        {
            return new TestResult("mann_whitney_u", u, null, null, null, Method: "normal approximation");
        }

        var z = (Math.Abs(u - mean) - 0.5) / Math.Sqrt(variance);
        var p = Math.Min(1, 2 * Normal.CDF(0, 1, -Math.Max(z, 0)));
        return new TestResult("mann_whitney_u", u, null, null, p, Method: "normal approximation with continuity correction");
    }

    /// <summary>One-way ANOVA F test and eta² (between-group sum of squares over the total) with its 95 % interval.</summary>
    public static TestResult OneWayAnova(IReadOnlyList<IReadOnlyList<double>> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var used = groups.Where(g => g.Count > 0).ToList();
        var n = used.Sum(g => g.Count);
        var k = used.Count;
        if (k < 2 || n - k < 1)
        {
            return new TestResult("one_way_anova", null, null, null, null, "eta_squared");
        }

        var grand = used.SelectMany(g => g).Mean();
        var between = used.Sum(g => g.Count * Math.Pow(g.Mean() - grand, 2));
        var within = used.Sum(g => { var m = g.Mean(); return g.Sum(x => (x - m) * (x - m)); });
        double df1 = k - 1, df2 = n - k;
        var total = between + within;
        var eta = total > 0 ? between / total : (double?)null;
        if (within <= 0)
        {
            return new TestResult("one_way_anova", null, df1, df2, null, "eta_squared", eta)
            {
                EffectSizeCi = new EffectSizeInterval(null, null, EffectSizeInterval.NoncentralF, "no variance within the groups: F and its interval are undefined"),
            };
        }

        var f = between / df1 / (within / df2);
        return new TestResult("one_way_anova", Finite.OrNull(f), df1, df2, Finite.OrNull(1 - FisherSnedecor.CDF(df1, df2, f)), "eta_squared", eta)
        {
            EffectSizeCi = EffectSizes.EtaSquaredInterval(f, df1, df2, n),
        };
    }

    /// <summary>Kruskal–Wallis H with the tie correction; p from χ² with k − 1 degrees of freedom.</summary>
    public static TestResult KruskalWallis(IReadOnlyList<IReadOnlyList<double>> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var used = groups.Where(g => g.Count > 0).ToList();
        var k = used.Count;
        var all = used.SelectMany(g => g).ToArray();
        var n = (double)all.Length;
        if (k < 2 || n < 3)
        {
            return new TestResult("kruskal_wallis", null, null, null, null);
        }

        var ranks = all.Ranks(RankDefinition.Average);
        var offset = 0;
        var sum = 0.0;
        foreach (var group in used)
        {
            var r = ranks.Skip(offset).Take(group.Count).Sum();
            sum += r * r / group.Count;
            offset += group.Count;
        }

        var h = (12 / (n * (n + 1)) * sum) - (3 * (n + 1));
        var ties = all.GroupBy(v => v).Select(g => (double)g.Count()).Sum(t => (t * t * t) - t);
        var correction = 1 - (ties / ((n * n * n) - n));
        if (correction <= 0)
        {
            return new TestResult("kruskal_wallis", null, k - 1, null, null);
        }

        h /= correction;
        return new TestResult("kruskal_wallis", Finite.OrNull(h), k - 1, null, Finite.OrNull(1 - ChiSquared.CDF(k - 1, h)));
    }

    /// <summary>
    /// Pearson's r with the p-value of t = r √((n − 2) / (1 − r²)) on n − 2 degrees of freedom, two-sided or, as SciPy's
    /// <c>pearsonr(x, y, alternative=...)</c>, one-sided (<see cref="TestResult.Greater"/>: ρ &gt; 0).
    /// </summary>
    public static TestResult Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y, string alternative = TestResult.TwoSided) =>
        Correlate("pearson", x, y, Correlation.Pearson, alternative);

    /// <summary>Spearman's ρ (Pearson's r of average ranks); p-value from the same t approximation SciPy uses.</summary>
    public static TestResult Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) =>
        Correlate("spearman", x, y, Correlation.Spearman);

    /// <summary>Two-sided p-value of a t statistic.</summary>
    public static double? TwoSidedT(double t, double df) =>
        double.IsFinite(t) && df > 0 ? Finite.OrNull(2 * StudentT.CDF(0, 1, df, -Math.Abs(t))) : null;

    /// <summary>
    /// The p-value of a t statistic for <paramref name="alternative"/>: P(T ≥ t) for greater, P(T ≤ t) for less. Each
    /// tail is taken directly (never 1 − CDF), so a small one-sided p keeps its precision; in the stated direction it is
    /// exactly half the two-sided p.
    /// </summary>
    public static double? POfT(double t, double df, string alternative)
    {
        if (!double.IsFinite(t) || !(df > 0))
        {
            return null;
        }

        return alternative switch
        {
            TestResult.TwoSided => TwoSidedT(t, df),
            TestResult.Greater => Finite.OrNull(StudentT.CDF(0, 1, df, -t)),
            TestResult.Less => Finite.OrNull(StudentT.CDF(0, 1, df, t)),
            _ => throw new ArgumentOutOfRangeException(nameof(alternative), alternative, "expected two_sided, greater or less"),
        };
    }

    private static TestResult Correlate(
        string name, IReadOnlyList<double> x, IReadOnlyList<double> y, Func<IEnumerable<double>, IEnumerable<double>, double> coefficient, string alternative = TestResult.TwoSided)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException("Both series need the same number of values.", nameof(y));
        }

        var n = x.Count;
        if (n < 3 || x.All(v => v == x[0]) || y.All(v => v == y[0]))
        {
            return new TestResult(name, null, n - 2, null, null) { Alternative = alternative };
        }

        var r = Math.Clamp(coefficient(x, y), -1, 1);
        if (!double.IsFinite(r))
        {
            return new TestResult(name, null, n - 2, null, null) { Alternative = alternative };
        }

        double df = n - 2;
        // |r| = 1: t is infinite, so p is 0 in the direction of r and 1 against it.
        var p = Math.Abs(r) >= 1
            ? alternative switch { TestResult.Greater => r > 0 ? 0 : 1, TestResult.Less => r < 0 ? 0 : 1, _ => 0 }
            : POfT(r * Math.Sqrt(df / (1 - (r * r))), df, alternative);
        return new TestResult(name, r, df, null, p) { Alternative = alternative };
    }

    /// <summary>P(|U − n₁n₂/2| ≥ |u − n₁n₂/2|) from the exact distribution of U without ties (counts by recursion).</summary>
    private static double ExactMannWhitneyP(double u, int n1, int n2)
    {
        // counts[i][s]: arrangements of i first-sample values among the values so far with U = s.
        var max = n1 * n2;
        var counts = new double[n1 + 1, max + 1];
        counts[0, 0] = 1;
        for (var j = 1; j <= n1 + n2; j++)
        {
            // Adding value j (the largest so far): if it belongs to the first sample, it exceeds every second-sample value so far.
            for (var i = Math.Min(j, n1); i >= 1; i--)
            {
                var seconds = j - i;
                if (seconds > n2)
                {
                    continue;
                }

                for (var s = max; s >= seconds; s--)
                {
                    counts[i, s] += counts[i - 1, s - seconds];
                }
            }
        }

        var total = SpecialFunctions.Binomial(n1 + n2, n1);
        var centre = max / 2.0;
        var distance = Math.Abs(u - centre);
        var extreme = 0.0;
        for (var s = 0; s <= max; s++)
        {
            if (Math.Abs(s - centre) >= distance - 1e-9)
            {
                extreme += counts[n1, s];
            }
        }

        return Math.Min(1, extreme / total);
    }
}
