using Discernus.Statistics;
using static Discernus.Tests.Statistics.ReferenceData;

namespace Discernus.Tests.Statistics;

public sealed class DescriptivesTests
{
    [Fact]
    public void QuartilesAndConfidenceInterval_MatchR_OnSleepGroup1()
    {
        // R: summary(sleep$extra[1:10]) → 1st Qu. -0.175, Median 0.350, Mean 0.750, 3rd Qu. 1.700; sd 1.78901;
        // t.test(sleep$extra[1:10]) → 95 percent confidence interval: -0.5297804 2.0297804
        var summary = SummaryStatistics.From(SleepGroup1.Select(v => (double?)v));

        Assert.Equal(-0.175, summary.Q1!.Value, 12);
        Assert.Equal(1.7, summary.Q3!.Value, 12);
        Assert.Equal(1.875, summary.Iqr!.Value, 12);
        Assert.Equal(0.35, summary.Median!.Value, 12);
        Assert.Equal(1.78901, summary.Sd!.Value, 5);
        Assert.Equal(-0.5297804, summary.CiLower!.Value, 7);
        Assert.Equal(2.0297804, summary.CiUpper!.Value, 7);
    }

    [Fact]
    public void NistNumAcc1_HasTheCertifiedMeanAndStandardDeviation()
    {
        // NIST StRD univariate summary statistics, NumAcc1 (10000001, 10000003, 10000002):
        // certified mean 10000002, standard deviation 1 (lower difficulty, exact values).
        var summary = SummaryStatistics.From([10000001, 10000003, 10000002]);

        Assert.Equal(10000002, summary.Mean);
        Assert.Equal(1.0, summary.Sd!.Value, 12);
        // t(0.975, 2) = 4.302653 (standard table value 4.303): the CI is mean ± 4.302653 · 1/√3.
        Assert.Equal(10000002 - (4.302652729911275 / Math.Sqrt(3)), summary.CiLower!.Value, 6);
    }

    [Fact]
    public void OneValue_HasNoSpreadOrInterval()
    {
        var summary = SummaryStatistics.From([0.4]);

        Assert.Equal((0.4, 0.4, 0.0), (summary.Q1!.Value, summary.Q3!.Value, summary.Iqr!.Value));
        Assert.Null(summary.CiLower);
        Assert.Null(summary.Sd);
    }

    [Fact]
    public void TwoValues_AsInNano_HaveNoInterval_AndSayWhy()
    {
        // The t quantile with 1 df is 12.71: the interval of 0.2 and 0.8 would be [-3.31, 4.31] on a 0–1 scale.
        var summary = SummaryStatistics.From([0.2, 0.8], SummaryStatistics.ScoreScale);

        Assert.Equal(0.5, summary.Mean!.Value, 12);
        Assert.NotNull(summary.Sd);
        Assert.Null(summary.CiLower);
        Assert.Null(summary.CiUpper);
        Assert.False(summary.CiClipped);
        Assert.Equal("n too small for a CI (n = 2)", summary.CiNote);
    }

    [Fact]
    public void BoundedScoresNearZero_HaveTheirIntervalClippedAtZero_AndMarked()
    {
        // mean 0.04, sd 0.0418330, t(0.975, 4) = 2.776445: the t-interval is [-0.011942, 0.091942].
        var summary = SummaryStatistics.From([0, 0, 0.05, 0.1, 0.05], SummaryStatistics.ScoreScale);

        Assert.Equal(0.0, summary.CiLower);
        Assert.Equal(0.04 + (2.7764451051977987 * 0.041833001326703774 / Math.Sqrt(5)), summary.CiUpper!.Value, 12);
        Assert.True(summary.CiClipped);
        Assert.Null(summary.CiNote);
    }

    [Fact]
    public void UnboundedValues_SuchAsDerivedMetrics_AreNotClipped_ButFollowTheSameSmallNRule()
    {
        var unbounded = SummaryStatistics.From([0, 0, 0.05, 0.1, 0.05]);
        Assert.True(unbounded.CiLower < 0);
        Assert.False(unbounded.CiClipped);

        Assert.Equal("n too small for a CI (n = 2)", SummaryStatistics.From([-0.6, 0.6]).CiNote);
        // n = 3 has an interval (t(0.975, 2) = 4.303): 0.5 ± 4.303 · 0.1/√3 stays inside 0–1.
        Assert.False(SummaryStatistics.From([0.4, 0.5, 0.6], SummaryStatistics.ScoreScale).CiClipped);
    }

    [Fact]
    public void DimensionScores_AreClipped_ButDerivedMetrics_AreNot_InTheCorpusStatistics()
    {
        var records = new[] { 0.0, 0.0, 0.05, 0.1, 0.05 }.Select((v, i) => StatisticsTestData.Record($"d{i}",
            new Dictionary<string, DimensionValues> { ["hope"] = new(v, null, null) },
            new Dictionary<string, string> { ["side"] = i % 2 == 0 ? "a" : "b" },
            derived: new Dictionary<string, double?> { ["shifted"] = v })).ToList();

        var statistics = StatisticsCalculator.Compute(records, ["hope"], ["shifted"], ["side"]);

        Assert.True(statistics.Dimension("hope")!.Score.CiClipped);
        Assert.False(statistics.DerivedMetric("shifted")!.Summary.CiClipped);
        Assert.True(statistics.DerivedMetric("shifted")!.Summary.CiLower < 0);
        var a = statistics.Group("side")!.Groups.Single(g => g.Value == "a");
        Assert.True(a.Dimensions.Single().Summary.CiClipped);
        Assert.Equal("n too small for a CI (n = 2)", statistics.Group("side")!.Groups.Single(g => g.Value == "b").Dimensions.Single().Summary.CiNote);
    }
}

public sealed class RunningMeanTests
{
    [Fact]
    public void MeanOfTheFiniteValues_HasTheBitsOfTheMeanOfTheirArray()
    {
        // The running mean replaced the mean of an array of the values; every statistics hash depends on the bits.
        var random = new Random(20261208);
        foreach (var length in new[] { 1, 2, 3, 7, 10, 11, 100, 1_000, 10_007 })
        {
            var values = Enumerable.Range(0, length)
                .Select(i => (i % 11) switch
                {
                    3 => (double?)null,
                    5 => double.NaN,
                    7 => double.PositiveInfinity,
                    9 => -0.0,
                    _ => (random.NextDouble() * 2000) - 1000,
                })
                .ToList();
            var present = values.Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToArray();
            var expected = present.Length == 1 ? present[0] : MathNet.Numerics.Statistics.Statistics.Mean(present);

            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(StatisticsCalculator.MeanOrNull(values)!.Value));
        }
    }

    [Fact]
    public void MeanWithoutAFiniteValue_IsMissing()
    {
        Assert.Null(StatisticsCalculator.MeanOrNull([]));
        Assert.Null(StatisticsCalculator.MeanOrNull([null, double.NaN, double.NegativeInfinity]));
        // A mean that overflows is missing, never an infinity in the statistics.
        Assert.True(StatisticsCalculator.MeanOrNull([double.MaxValue, -double.MaxValue, double.MaxValue]) is not { } mean || double.IsFinite(mean));
    }

    [Fact]
    public void MeanOfAHundredThousandValues_BuildsNoArrayOfThem()
    {
        // 100,000 doubles are 800 KB in one array (more while a list grows); the running mean keeps one number.
        var values = Enumerable.Range(0, 100_000).Select(i => (double?)(i % 10) / 10).ToArray();
        StatisticsCalculator.MeanOrNull(values);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var mean = StatisticsCalculator.MeanOrNull(values);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0.45, mean!.Value, 12);
        Assert.True(allocated < 10_000, $"{allocated} bytes allocated");
    }
}
