using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Discernus.Statistics;

/// <summary>
/// Effect sizes and their 95 % intervals, as the hypothesis tests report them: Hedges' g, Pearson's r by Fisher's z,
/// and η² by inverting the noncentral F distribution.
/// </summary>
internal static class EffectSizes
{
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
}
