using Discernus.Statistics;
using static Discernus.Tests.Statistics.ReferenceData;

namespace Discernus.Tests.Statistics;

/// <summary>Each expected value is R's printed output for the same data (the call is quoted), or derived by hand.</summary>
public sealed class HypothesisTestsTests
{
    [Fact]
    public void WelchT_MatchesR_OnTheSleepData()
    {
        // R: t.test(extra ~ group, data = sleep) → t = -1.8608, df = 17.776, p-value = 0.07939
        var result = HypothesisTests.WelchT(SleepGroup1, SleepGroup2);

        Assert.Equal("welch_t", result.Test);
        Assert.Equal(-1.8608, result.Statistic!.Value, 4);
        Assert.Equal(17.776, result.Df1!.Value, 3);
        Assert.Equal(0.07939, result.P!.Value, 5);
    }

    [Fact]
    public void HedgesG_OnTheSleepData_IsCohensDTimesTheSmallSampleCorrection()
    {
        // By hand: means 0.75 and 2.33, variances 3.200556 and 4.009000, pooled sd √3.604778 = 1.898625;
        // d = -1.58 / 1.898625 = -0.8321811; J = 1 − 3 / (4·18 − 1) = 68/71; g = -0.7970185004.
        var result = HypothesisTests.WelchT(SleepGroup1, SleepGroup2);

        Assert.Equal("hedges_g", result.EffectSizeName);
        Assert.Equal(-0.7970185004, result.EffectSize!.Value, 9);
    }

    [Fact]
    public void MannWhitneyU_WithTies_MatchesR_NormalApproximation()
    {
        // R: wilcox.test(extra ~ group, data = sleep) → W = 25.5, p-value = 0.06933 (ties: normal approximation, continuity correction)
        var result = HypothesisTests.MannWhitneyU(SleepGroup1, SleepGroup2);

        Assert.Equal(25.5, result.Statistic);
        Assert.Equal(0.06933, result.P!.Value, 5);
        Assert.StartsWith("normal approximation", result.Method);
    }

    [Fact]
    public void MannWhitneyU_WithoutTies_IsExact()
    {
        // Complete separation of 3 and 4 values: U = 0; of the C(7,3) = 35 equally likely orders, U = 0 and U = 12 are as
        // extreme, so the two-sided exact p = 2/35.
        var result = HypothesisTests.MannWhitneyU([1.1, 2.2, 3.3], [4.4, 5.5, 6.6, 7.7]);

        Assert.Equal(0, result.Statistic);
        Assert.Equal("exact", result.Method);
        Assert.Equal(2.0 / 35, result.P!.Value, 15);

        // One inversion: U = 1; orders with U ≤ 1 or U ≥ 11 are 1 + 1 + 1 + 1 = 4, so p = 4/35.
        Assert.Equal(4.0 / 35, HypothesisTests.MannWhitneyU([1.1, 2.2, 4.5], [4.4, 5.5, 6.6, 7.7]).P!.Value, 15);
    }

    [Fact]
    public void OneWayAnova_MatchesR_OnPlantGrowth()
    {
        // R: summary(aov(weight ~ group, data = PlantGrowth)) → group Df 2, Sum Sq 3.766, F 4.846, Pr(>F) 0.0159;
        // Residuals Df 27, Sum Sq 10.492. eta² = 3.76634 / (3.76634 + 10.49209) = 0.26415 (R's aov() prints these sums of squares).
        var result = HypothesisTests.OneWayAnova([PlantControl, PlantTreatment1, PlantTreatment2]);

        Assert.Equal(4.846, result.Statistic!.Value, 3);
        Assert.Equal((2.0, 27.0), (result.Df1!.Value, result.Df2!.Value));
        Assert.Equal(0.01591, result.P!.Value, 5);
        Assert.Equal(0.26415, result.EffectSize!.Value, 5);
    }

    [Fact]
    public void KruskalWallis_MatchesR_OnHollanderWolfesMucociliaryData()
    {
        // R's kruskal.test example (Hollander & Wolfe 1973, p. 116): Kruskal-Wallis chi-squared = 0.77143, df = 2, p-value = 0.68.
        // With 2 df the χ² tail is exp(-H/2) = 0.679948.
        var result = HypothesisTests.KruskalWallis([[2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]]);

        Assert.Equal(0.77143, result.Statistic!.Value, 5);
        Assert.Equal(2, result.Df1);
        Assert.Equal(Math.Exp(-0.771428571 / 2), result.P!.Value, 6);
    }

    [Fact]
    public void KruskalWallis_AppliesTheTieCorrection()
    {
        // By hand: values 1,1,2 | 3,3,4 → ranks 1.5,1.5,3 | 4.5,4.5,6; H = 12/42·(36/3 + 225/3) − 21 = 3.857143;
        // ties 2 pairs: C = 1 − 12/210 = 0.942857; H/C = 4.090909.
        var result = HypothesisTests.KruskalWallis([[1, 1, 2], [3, 3, 4]]);

        Assert.Equal(4.090909, result.Statistic!.Value, 6);
    }

    [Fact]
    public void Pearson_MatchesR_CorTest()
    {
        // R: cor.test(x, y) on the Hollander & Wolfe data → t = 1.8411, df = 7, p-value = 0.1082, cor 0.5711816
        var result = HypothesisTests.Pearson(HollanderWolfeX, HollanderWolfeY);

        Assert.Equal(0.5711816, result.Statistic!.Value, 7);
        Assert.Equal(7, result.Df1);
        Assert.Equal(0.1082, result.P!.Value, 4);
    }

    [Fact]
    public void Spearman_MatchesR_Rho_AndTheTApproximation()
    {
        // R: cor.test(x, y, method = "spearman") → rho 0.6 (R's p = 0.0968 is exact; we use SciPy's t approximation):
        // t = 0.6·√(7 / 0.64) = 1.984313, and the t(7) tail by Abramowitz & Stegun 26.7.3 gives p = 0.0876228.
        var result = HypothesisTests.Spearman(HollanderWolfeX, HollanderWolfeY);

        Assert.Equal(0.6, result.Statistic!.Value, 12);
        Assert.Equal(0.0876228, result.P!.Value, 6);
    }

    [Fact]
    public void ConstantOrTooShortSeries_GiveNoStatistic()
    {
        Assert.Null(HypothesisTests.Pearson([1, 1, 1, 1], [1, 2, 3, 4]).Statistic);
        Assert.Null(HypothesisTests.Spearman([1, 2], [2, 1]).P);
        Assert.Null(HypothesisTests.WelchT([1], [2, 3]).P);
        Assert.Null(HypothesisTests.WelchT([1, 1], [1, 1]).P);
        Assert.Null(HypothesisTests.OneWayAnova([[1, 1], [1, 1]]).P);
    }

    [Fact]
    public void Holm_AdjustsStepDown_AndKeepsTheOrder()
    {
        // By hand: sorted 0.005, 0.01, 0.03, 0.04 × 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 → monotone: 0.02, 0.03, 0.06, 0.06.
        var adjusted = Holm.Adjust([0.01, 0.04, 0.03, 0.005, null]);

        Assert.Equal([0.03, 0.06, 0.06, 0.02, null], adjusted.Select(p => p is { } v ? Math.Round(v, 12) : (double?)null));
        Assert.Equal(1.0, Holm.Adjust([0.6, 0.7])[0]);
    }
}
