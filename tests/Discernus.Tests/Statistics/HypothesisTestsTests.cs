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

    // The expected values of the one-sided tests and the effect size intervals below are printed by
    // Statistics/Reference/one_sided_reference.py (Python 3.11 + mpmath at 40 digits, from the textbook definitions;
    // SciPy's conventions: alternative="greater" tests mean(first) > mean(second), or r > 0).

    [Fact]
    public void WelchT_OneSided_MatchesTheReference_OnTheSleepData()
    {
        // one_sided_reference.py, sleep: t = -1.86081346748685, df = 17.7764735161785,
        // p greater = 0.960302929906321, p less = 0.0396970700936791.
        var greater = HypothesisTests.WelchT(SleepGroup1, SleepGroup2, TestResult.Greater);
        var less = HypothesisTests.WelchT(SleepGroup1, SleepGroup2, TestResult.Less);

        Assert.Equal((TestResult.Greater, TestResult.Less), (greater.Alternative, less.Alternative));
        Assert.Equal(-1.86081346748685, greater.Statistic!.Value, 12);
        Assert.Equal(17.7764735161785, greater.Df1!.Value, 11);
        Assert.Equal(0.960302929906321, greater.P!.Value, 12);
        Assert.Equal(0.0396970700936791, less.P!.Value, 12);
    }

    [Fact]
    public void WelchT_OneSided_MatchesTheReference_OnTwelveDocumentsScoredZeroToOne()
    {
        // one_sided_reference.py, low vs high: t = -2.30664115373842, df = 8.22422568067933,
        // p greater = 0.975451177712435, p less = 0.0245488222875647, p two-sided = 0.0490976445751293.
        var less = HypothesisTests.WelchT(Low, High, TestResult.Less);

        Assert.Equal(-2.30664115373842, less.Statistic!.Value, 12);
        Assert.Equal(8.22422568067933, less.Df1!.Value, 11);
        Assert.Equal(0.0245488222875647, less.P!.Value, 12);
        Assert.Equal(0.975451177712435, HypothesisTests.WelchT(Low, High, TestResult.Greater).P!.Value, 12);
        Assert.Equal(0.0490976445751293, HypothesisTests.WelchT(Low, High).P!.Value, 12);
    }

    [Theory]
    [InlineData(TestResult.Greater)]
    [InlineData(TestResult.Less)]
    public void OneSidedP_IsHalfTheTwoSided_InTheObservedDirection_AndOneMinusThatAgainstIt(string alternative)
    {
        foreach (var (first, second) in new[] { (SleepGroup1, SleepGroup2), (SleepGroup2, SleepGroup1), (Low, High), (PlantControl, PlantTreatment2) })
        {
            var two = HypothesisTests.WelchT(first, second).P!.Value;
            var one = HypothesisTests.WelchT(first, second, alternative);
            var observed = one.Statistic > 0 ? TestResult.Greater : TestResult.Less;

            Assert.Equal(observed == alternative ? two / 2 : 1 - (two / 2), one.P!.Value, 14);
            // The statistic, df and effect size do not depend on the direction asked.
            Assert.Equal(HypothesisTests.WelchT(first, second) with { Alternative = alternative, P = one.P }, one);
        }
    }

    [Fact]
    public void Pearson_OneSided_MatchesTheReference()
    {
        // one_sided_reference.py, Hollander & Wolfe: r = 0.571181557563829, p greater = 0.0540865271747469,
        // p less = 0.945913472825253, p two-sided = 0.108173054349494 (R's cor.test prints 0.1082).
        var greater = HypothesisTests.Pearson(HollanderWolfeX, HollanderWolfeY, TestResult.Greater);

        Assert.Equal(0.0540865271747469, greater.P!.Value, 12);
        Assert.Equal(0.945913472825253, HypothesisTests.Pearson(HollanderWolfeX, HollanderWolfeY, TestResult.Less).P!.Value, 12);
        Assert.Equal(0.108173054349494, HypothesisTests.Pearson(HollanderWolfeX, HollanderWolfeY).P!.Value, 12);
        Assert.Equal(greater.P!.Value * 2, HypothesisTests.Pearson(HollanderWolfeX, HollanderWolfeY).P!.Value, 14);
    }

    [Fact]
    public void PerfectCorrelation_HasPZeroInItsDirection_AndOneAgainstIt()
    {
        Assert.Equal(0, HypothesisTests.Pearson([1, 2, 3, 4], [2, 4, 6, 8], TestResult.Greater).P);
        Assert.Equal(1, HypothesisTests.Pearson([1, 2, 3, 4], [2, 4, 6, 8], TestResult.Less).P);
    }

    [Fact]
    public void HedgesG_Interval_IsHedgesAndOlkinsLargeSampleInterval()
    {
        // one_sided_reference.py: sleep g = -0.797018500447446, 95% CI [-1.70767640913793, 0.113639408243039];
        // low vs high g = -1.22929836095515, [-2.46314034546053, 0.00454362355023915].
        var sleep = HypothesisTests.WelchT(SleepGroup1, SleepGroup2).EffectSizeCi!;
        var twelve = HypothesisTests.WelchT(Low, High).EffectSizeCi!;

        Assert.Equal(EffectSizeInterval.HedgesOlkin, sleep.Method);
        Assert.Equal(-1.70767640913793, sleep.Lower!.Value, 9);
        Assert.Equal(0.113639408243039, sleep.Upper!.Value, 9);
        Assert.Equal(-2.46314034546053, twelve.Lower!.Value, 9);
        Assert.Equal(0.00454362355023915, twelve.Upper!.Value, 9);
    }

    [Fact]
    public void FisherZ_Interval_MatchesTheReference_AndR()
    {
        // one_sided_reference.py: [-0.149742633036757, 0.895579461838739]; R's cor.test prints -0.1497426 0.8955795.
        var interval = EffectSizes.FisherZInterval(HypothesisTests.Pearson(HollanderWolfeX, HollanderWolfeY).Statistic, HollanderWolfeX.Length);

        Assert.Equal(-0.149742633036757, interval.Lower!.Value, 9);
        Assert.Equal(0.895579461838739, interval.Upper!.Value, 9);
        Assert.Contains("n = 3", EffectSizes.FisherZInterval(0.5, 3).Note);
        Assert.False(EffectSizes.FisherZInterval(1, 10).IsDefined);
    }

    [Fact]
    public void EtaSquared_Interval_InvertsTheNoncentralF_AsTheReference()
    {
        // one_sided_reference.py, PlantGrowth: F = 4.84608786238014, eta² = 0.26414829683212,
        // 95% CI [0.0099039685620603, 0.463896467306307] (λ bounds solved to 1e-30 at 40 digits).
        var interval = HypothesisTests.OneWayAnova([PlantControl, PlantTreatment1, PlantTreatment2]).EffectSizeCi!;

        Assert.Equal(EffectSizeInterval.NoncentralF, interval.Method);
        Assert.Equal(0.0099039685620603, interval.Lower!.Value, 8);
        Assert.Equal(0.463896467306307, interval.Upper!.Value, 8);
    }

    [Fact]
    public void NoncentralF_WithoutNoncentrality_IsTheCentralF_AndFallsAsLambdaGrows()
    {
        Assert.Equal(MathNet.Numerics.Distributions.FisherSnedecor.CDF(2, 27, 4.846), EffectSizes.NoncentralFCdf(4.846, 2, 27, 0), 12);
        var values = new[] { 0.5, 5, 50, 500, 5000 }.Select(lambda => EffectSizes.NoncentralFCdf(4.846, 2, 27, lambda)).ToList();
        Assert.True(values.Zip(values.Skip(1)).All(pair => pair.First > pair.Second), string.Join(", ", values));
        // A large sample and effect (λ in the tens of thousands) still sums from the Poisson mode without underflow.
        var big = EffectSizes.EtaSquaredInterval(2000, 2, 60000, 60003);
        Assert.True(big.IsDefined && big.Lower < 0.0625 && big.Upper > 0.0625, $"{big.Lower} {big.Upper}");
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
        Assert.Null(HypothesisTests.OneWayAnova([[1, 1], [2, 2]]).EffectSizeCi!.Lower);
        Assert.NotNull(HypothesisTests.OneWayAnova([[1, 1], [2, 2]]).EffectSizeCi!.Note);
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
