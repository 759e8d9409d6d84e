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
}
