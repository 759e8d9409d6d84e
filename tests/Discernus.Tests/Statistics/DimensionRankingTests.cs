using Discernus.Statistics;
using static Discernus.Tests.Statistics.StatisticsTestData;

namespace Discernus.Tests.Statistics;

public sealed class DimensionRankingTests
{
    private static CorpusStatistics Statistics(params (string Document, double A, double B, double C)[] rows) =>
        StatisticsCalculator.Compute(rows.Select(r => Scores(r.Document, ("a", r.A), ("b", r.B), ("c", r.C))).ToList(), ["a", "b", "c"]);

    [Fact]
    public void Extremes_LeaveOutDimensionsWithoutSignal()
    {
        var s = Statistics(("x", 0.5, 0.2, 0), ("y", 0.7, 0.4, 0));

        var extremes = DimensionRanking.Find(s)!;

        Assert.Equal(["a"], extremes.Highest);
        Assert.Equal(["b"], extremes.Lowest);
        Assert.Equal(["c"], DimensionRanking.WithoutSignal(s));
    }

    [Fact]
    public void MeansEqualAtTheReportedPrecision_AreATie()
    {
        var s = Statistics(("x", 0.5, 0.5, 0.1), ("y", 0.7, 0.7001, 0.1));

        var extremes = DimensionRanking.Find(s)!;

        Assert.Equal(["a", "b"], extremes.Highest);
        Assert.Equal(["c"], extremes.Lowest);
        Assert.False(DimensionRanking.AllTied(s));
        Assert.True(DimensionRanking.AllTied(Statistics(("x", 0.3, 0.3, 0.3))));
        Assert.Null(DimensionRanking.Find(Statistics(("x", 0.3, 0.3, 0.3))));
    }
}
