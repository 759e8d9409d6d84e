using Discernus.Statistics;
using static Discernus.Tests.Statistics.StatisticsTestData;

namespace Discernus.Tests.Statistics;

public sealed class StatisticsFormatterTests
{
    [Theory]
    [InlineData(0.45678, 3, "0.457")]
    [InlineData(0.5, 3, "0.500")]
    [InlineData(-0.25, 2, "-0.25")]
    [InlineData(1234.5, 1, "1234.5")]
    [InlineData(-0.0001, 3, "0.000")]
    [InlineData(0.4, 0, "0")]
    public void Format_UsesFixedInvariantDecimals(double value, int decimals, string expected)
    {
        Assert.Equal(expected, StatisticsFormatter.Format(value, decimals));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Format_WritesNotAvailable_ForMissingValues(double? value)
    {
        Assert.Equal("n/a", StatisticsFormatter.Format(value));
    }

    [Fact]
    public void Format_DefaultsToThreeDecimals()
    {
        Assert.Equal("0.333", StatisticsFormatter.Format(1.0 / 3));
    }

    [Fact]
    public void AllReportedValues_ContainsEveryKindOfNumber()
    {
        var records = new[]
        {
            Record("a", new Dictionary<string, DimensionValues> { ["x"] = new(0.1, 0.7, 0.6), ["y"] = new(0.1, null, null) },
                new Dictionary<string, string> { ["party"] = "p" }, model: "m1", verified: 5, unverified: 2),
            Record("b", new Dictionary<string, DimensionValues> { ["x"] = new(0.2, null, null), ["y"] = new(0.3, null, null) },
                new Dictionary<string, string> { ["party"] = "p" }, model: "m2"),
            Record("c", new Dictionary<string, DimensionValues> { ["x"] = new(0.3, null, null), ["y"] = new(0.2, null, null) },
                new Dictionary<string, string> { ["party"] = "q" }, model: "m1",
                derived: new Dictionary<string, double?> { ["net"] = 0.125 }),
        };
        var statistics = StatisticsCalculator.Compute(records, ["x", "y"], ["net"], ["party"], documentsFailed: 9);

        var values = StatisticsFormatter.AllReportedValues(statistics).ToList();

        Assert.Contains(0.2, values.Select(v => Math.Round(v, 12)));                 // mean of x
        Assert.Contains(0.1, values.Select(v => Math.Round(v, 12)));                 // sd of x
        Assert.Contains(0.5, values.Select(v => Math.Round(v, 12)));                 // r(x, y)
        Assert.Contains(0.15, values.Select(v => Math.Round(v, 12)));                // group p mean of x
        Assert.Contains(0.7, values);                                                // mean salience of x
        Assert.Contains(0.125, values);                                              // derived metric
        Assert.Contains(9.0, values);                                                // documents failed
        Assert.Contains(7.0, values);                                                // evidence total
        Assert.All(values, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void MatchesAny_ComparesAtTheWrittenPrecision()
    {
        double[] reported = [0.45678, 12, -0.3];

        Assert.True(StatisticsFormatter.MatchesAny("0.457", reported));
        Assert.True(StatisticsFormatter.MatchesAny("0.46", reported));
        Assert.True(StatisticsFormatter.MatchesAny(".5", reported));
        Assert.True(StatisticsFormatter.MatchesAny("12", reported));
        Assert.True(StatisticsFormatter.MatchesAny("-0.30", reported));
        Assert.False(StatisticsFormatter.MatchesAny("0.456", reported));
        Assert.False(StatisticsFormatter.MatchesAny("0.3", reported));
        Assert.False(StatisticsFormatter.MatchesAny("13", reported));
        Assert.False(StatisticsFormatter.MatchesAny("n/a", reported));
        Assert.False(StatisticsFormatter.MatchesAny("1e3", reported));
    }

    [Fact]
    public void MatchesAny_AgreesWithFormat_ForEveryReportedValue()
    {
        var statistics = StatisticsCalculator.Compute(
            [Scores("a", ("x", 0.123456)), Scores("b", ("x", 0.654321)), Scores("c", ("x", 0.5))], ["x"]);
        var values = StatisticsFormatter.AllReportedValues(statistics).ToList();

        Assert.All(values, v => Assert.True(StatisticsFormatter.MatchesAny(StatisticsFormatter.Format(v), values)));
    }
}
