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
        var g = HedgesG(m1, m2, v1, v2, n1, n2);
        var interval = HedgesGInterval(g, n1, n2);
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
    /// Hedges' g: the difference of means over the pooled standard deviation, times Hedges and Olkin's (1985)
    /// small-sample correction J = 1 − 3 / (4(n₁ + n₂ − 2) − 1).
    /// </summary>
    public static double? HedgesG(double mean1, double mean2, double variance1, double variance2, double n1, double n2)
    {
        var df = n1 + n2 - 2;
        var pooled = Math.Sqrt((((n1 - 1) * variance1) + ((n2 - 1) * variance2)) / df);
        if (df < 1 || pooled == 0 || !double.IsFinite(pooled))
        {
            return null;
        }

        return Finite.OrNull((mean1 - mean2) / pooled * (1 - (3 / ((4 * df) - 1))));
    }

    /// <summary>
    /// The 95 % interval of Hedges' g from Hedges and Olkin's (1985, p. 86) large-sample variance
    /// (n₁ + n₂)/(n₁n₂) + g²/(2(n₁ + n₂)): the normal approximation every meta-analysis text states. It is symmetric and
    /// somewhat narrow below about ten per group; a noncentral-t interval would be exact, but needs a distribution MathNet lacks.
    /// </summary>
    public static EffectSizeInterval HedgesGInterval(double? g, double n1, double n2)
    {
        if (g is not { } value)
        {
            return new EffectSizeInterval(null, null, EffectSizeInterval.HedgesOlkin, "g is undefined (a group has fewer than 2 values or no variance)");
        }

        var se = Math.Sqrt(((n1 + n2) / (n1 * n2)) + (value * value / (2 * (n1 + n2))));
        var z = Normal.InvCDF(0, 1, 1 - ((1 - EffectSizeInterval.Level) / 2));
        return new EffectSizeInterval(Finite.OrNull(value - (z * se)), Finite.OrNull(value + (z * se)), EffectSizeInterval.HedgesOlkin);
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
            EffectSizeCi = EtaSquaredInterval(f, df1, df2, n),
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

    /// <summary>
    /// The 95 % interval of Pearson's r by Fisher's z: tanh(atanh r ± 1.96/√(n − 3)). Undefined below 4 pairs and at
    /// |r| = 1 (z is infinite), with the reason.
    /// </summary>
    public static EffectSizeInterval FisherZInterval(double? r, int n)
    {
        if (r is not { } value)
        {
            return new EffectSizeInterval(null, null, EffectSizeInterval.FisherZ, "r is undefined (fewer than 3 pairs or a constant variable)");
        }

        if (n < 4)
        {
            return new EffectSizeInterval(null, null, EffectSizeInterval.FisherZ, $"n too small for the Fisher z interval (n = {n.ToString(System.Globalization.CultureInfo.InvariantCulture)}, needs 4)");
        }

        if (Math.Abs(value) >= 1)
        {
            return new EffectSizeInterval(null, null, EffectSizeInterval.FisherZ, "|r| = 1: the Fisher z interval is undefined");
        }

        var z = Math.Atanh(value);
        var half = Normal.InvCDF(0, 1, 1 - ((1 - EffectSizeInterval.Level) / 2)) / Math.Sqrt(n - 3);
        return new EffectSizeInterval(Math.Tanh(z - half), Math.Tanh(z + half), EffectSizeInterval.FisherZ);
    }

    /// <summary>
    /// The 95 % interval of η² in a one-way ANOVA by inverting the noncentral F distribution in its noncentrality λ
    /// (Steiger 2004, as MBESS's ci.pvaf): λ_low puts the observed F at the 97.5th percentile, λ_high at the 2.5th (0 when
    /// even λ = 0 cannot), and η² = λ/(λ + N). Two-sided like the other intervals of the report, so when
    /// 0.025 ≤ p &lt; 0.05 the test is significant while the interval reaches 0 (Steiger's 90 % interval would match
    /// the test; the report states the level).
    /// </summary>
    public static EffectSizeInterval EtaSquaredInterval(double f, double df1, double df2, int n)
    {
        if (!double.IsFinite(f) || f < 0 || !(df1 > 0) || !(df2 > 0))
        {
            return new EffectSizeInterval(null, null, EffectSizeInterval.NoncentralF, "F is undefined");
        }

        var tail = (1 - EffectSizeInterval.Level) / 2;
        double? Bound(double target)
        {
            if (NoncentralFCdf(f, df1, df2, 0) <= target)
            {
                return 0;
            }

            // The CDF falls as λ grows: widen until the target is bracketed, then Brent's method.
            var (from, to) = (0.0, Math.Max(1, df1 * f));
            while (NoncentralFCdf(f, df1, df2, to) > target)
            {
                (from, to) = (to, to * 2);
                if (to > 1e9)
                {
                    return null;
                }
            }

            return MathNet.Numerics.RootFinding.Brent.TryFindRoot(lambda => NoncentralFCdf(f, df1, df2, lambda) - target, from, to, 1e-12, 200, out var root)
                ? root
                : null;
        }

        if (Bound(1 - tail) is not { } low || Bound(tail) is not { } high)
        {
            return new EffectSizeInterval(null, null, EffectSizeInterval.NoncentralF, "the noncentral F could not be inverted (F is extreme)");
        }

        return new EffectSizeInterval(low / (low + n), high / (high + n), EffectSizeInterval.NoncentralF);
    }

    /// <summary>
    /// P(F′ ≤ f) for the noncentral F: Σⱼ Poisson(j; λ/2) · I_x(df1/2 + j, df2/2) with x = df1·f/(df1·f + df2). The terms
    /// are summed outward from the Poisson mode (so a large λ neither underflows nor needs thousands of terms from j = 0),
    /// each incomplete beta from its neighbour by I_x(a + 1, b) = I_x(a, b) − xᵃ(1 − x)ᵇ/(a·B(a, b)).
    /// </summary>
    public static double NoncentralFCdf(double f, double df1, double df2, double lambda)
    {
        var x = df1 * f / ((df1 * f) + df2);
        var (a, b) = (df1 / 2, df2 / 2);
        if (lambda <= 0)
        {
            return SpecialFunctions.BetaRegularized(a, b, x);
        }

        var mu = lambda / 2;
        var mode = Math.Floor(mu);
        double LogWeight(double j) => -mu + (j * Math.Log(mu)) - SpecialFunctions.GammaLn(j + 1);
        // log of xᵃ(1 − x)ᵇ / (a·B(a, b)): the step from I_x(a, b) to I_x(a + 1, b).
        double LogStep(double shape) => (shape * Math.Log(x)) + (b * Math.Log(1 - x)) - Math.Log(shape) - SpecialFunctions.BetaLn(shape, b);

        var atMode = SpecialFunctions.BetaRegularized(a + mode, b, x);
        var total = Math.Exp(LogWeight(mode)) * atMode;

        // Upward: I_x falls with j, and the weights fall past the mode.
        var beta = atMode;
        for (var j = mode + 1; ; j++)
        {
            beta = x >= 1 ? 1 : Math.Max(0, beta - Math.Exp(LogStep(a + j - 1)));
            var weight = Math.Exp(LogWeight(j));
            total += weight * beta;
            if (weight < 1e-17 * Math.Max(total, 1e-300) || weight == 0)
            {
                break;
            }
        }

        // Downward: I_x(a + j − 1, b) = I_x(a + j, b) + step.
        beta = atMode;
        for (var j = mode - 1; j >= 0; j--)
        {
            beta = x >= 1 ? 1 : Math.Min(1, beta + Math.Exp(LogStep(a + j)));
            var weight = Math.Exp(LogWeight(j));
            total += weight * beta;
            if (weight < 1e-17 * Math.Max(total, 1e-300))
            {
                break;
            }
        }

        return Math.Clamp(total, 0, 1);
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
