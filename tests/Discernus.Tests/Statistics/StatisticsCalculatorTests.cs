using Discernus.Statistics;
using static Discernus.Tests.Statistics.StatisticsTestData;

namespace Discernus.Tests.Statistics;

public sealed class StatisticsCalculatorTests
{
    private const int Precision = 12;

    [Fact]
    public void Dimension_HasHandComputedDescriptiveStatistics()
    {
        var records = new[]
        {
            Record("a", new Dictionary<string, DimensionValues> { ["hope"] = new(0.2, 0.1, 0.5) }),
            Record("b", new Dictionary<string, DimensionValues> { ["hope"] = new(0.4, 0.3, null) }),
            Record("c", new Dictionary<string, DimensionValues> { ["hope"] = new(0.9, 0.8, 0.9) }),
        };

        var hope = StatisticsCalculator.Compute(records, ["hope"]).Dimension("hope")!;

        Assert.Equal(3, hope.Score.N);
        Assert.Equal(0, hope.Score.Missing);
        Assert.Equal(0.5, hope.Score.Mean!.Value, Precision);
        // Deviations -0.3, -0.1, 0.4: squares sum to 0.26, / (n - 1) = 0.13.
        Assert.Equal(Math.Sqrt(0.13), hope.Score.Sd!.Value, Precision);
        Assert.Equal(0.2, hope.Score.Min);
        Assert.Equal(0.9, hope.Score.Max);
        Assert.Equal(0.4, hope.Score.Median!.Value, Precision);
        Assert.Equal(0.4, hope.MeanSalience!.Value, Precision);
        Assert.Equal(0.7, hope.MeanConfidence!.Value, Precision);
    }

    [Fact]
    public void Median_OfAnEvenCount_IsTheMeanOfTheMiddleTwo()
    {
        var records = new[] { Scores("a", ("x", 0.7)), Scores("b", ("x", 0.1)), Scores("c", ("x", 0.3)), Scores("d", ("x", 0.2)) };

        var x = StatisticsCalculator.Compute(records, ["x"]).Dimension("x")!.Score;

        Assert.Equal(0.25, x.Median!.Value, Precision);
    }

    [Fact]
    public void MissingValues_AreCountedAndLeftOut()
    {
        var records = new[]
        {
            Scores("a", ("hope", 0.2)),
            Scores("b", ("hope", null)),
            Scores("c", ("fear", 0.5)),
            Scores("d", ("hope", double.NaN)),
            Scores("e", ("hope", 0.6)),
        };

        var hope = StatisticsCalculator.Compute(records, ["hope"]).Dimension("hope")!;

        Assert.Equal(2, hope.Score.N);
        Assert.Equal(3, hope.Score.Missing);
        Assert.Equal(0.4, hope.Score.Mean!.Value, Precision);
        Assert.Null(hope.MeanSalience);
    }

    [Fact]
    public void Sd_IsNull_WithFewerThanTwoValues_AndEverythingIsNull_WithNone()
    {
        var statistics = StatisticsCalculator.Compute([Scores("a", ("one", 0.3), ("none", null))], ["one", "none"]);

        var one = statistics.Dimension("one")!.Score;
        Assert.Equal(0.3, one.Mean);
        Assert.Null(one.Sd);
        var none = statistics.Dimension("none")!.Score;
        Assert.Equal(new SummaryStatistics(0, 1, null, null, null, null, null), none);
    }

    [Fact]
    public void Dimensions_AreListedInTheGivenOrder()
    {
        var statistics = StatisticsCalculator.Compute([Scores("a", ("b", 0.1), ("a", 0.2))], ["b", "z", "a"]);

        Assert.Equal(["b", "z", "a"], statistics.Dimensions.Select(d => d.Name));
    }

    [Fact]
    public void DerivedMetrics_AreSummarisedLikeDimensions()
    {
        var records = new[]
        {
            Record("a", new Dictionary<string, DimensionValues>(), derived: new Dictionary<string, double?> { ["net"] = -0.2 }),
            Record("b", new Dictionary<string, DimensionValues>(), derived: new Dictionary<string, double?> { ["net"] = 0.4 }),
            Record("c", new Dictionary<string, DimensionValues>(), derived: new Dictionary<string, double?> { ["net"] = null }),
        };

        var net = StatisticsCalculator.Compute(records, [], ["net"]).DerivedMetric("net")!.Summary;

        Assert.Equal(2, net.N);
        Assert.Equal(1, net.Missing);
        Assert.Equal(0.1, net.Mean!.Value, Precision);
        Assert.Equal(-0.2, net.Min);
    }

    [Fact]
    public void Correlation_IsOne_ForPerfectlyCorrelatedScores_AndMinusOne_ForAntiCorrelated()
    {
        double[] xs = [0.1, 0.2, 0.3, 0.4, 0.5];
        var records = xs.Select((x, i) => Scores($"d{i}", ("x", x), ("up", 2 * x + 0.1), ("down", 1 - x))).ToArray();

        var correlations = StatisticsCalculator.Compute(records, ["x", "up", "down"]).Correlations;

        Assert.Equal(1.0, correlations.Coefficient("x", "up")!.Value, Precision);
        Assert.Equal(-1.0, correlations.Coefficient("x", "down")!.Value, Precision);
        Assert.Equal(-1.0, correlations.Coefficient("down", "up")!.Value, Precision);
        Assert.Equal(1.0, correlations.Coefficient("x", "x"));
        Assert.Equal(5, correlations.Count("x", "down"));
        Assert.All(correlations.Coefficients.SelectMany(row => row), r => Assert.InRange(r!.Value, -1.0, 1.0));
    }

    [Fact]
    public void Correlation_MatchesAHandComputedValue()
    {
        // Deviations (-1, 0, 1) and (-1, 1, 0) (× 0.1): covariance sum 1, each sum of squares 2, r = 1 / 2.
        var records = new[] { Scores("a", ("x", 0.1), ("y", 0.1)), Scores("b", ("x", 0.2), ("y", 0.3)), Scores("c", ("x", 0.3), ("y", 0.2)) };

        var correlations = StatisticsCalculator.Compute(records, ["x", "y"]).Correlations;

        Assert.Equal(0.5, correlations.Coefficient("x", "y")!.Value, Precision);
        Assert.Equal(correlations.Coefficient("x", "y"), correlations.Coefficient("y", "x"));
    }

    [Fact]
    public void Correlation_IsNull_WhenAScoreHasZeroVariance()
    {
        var records = new[] { Scores("a", ("x", 0.1), ("flat", 0.5)), Scores("b", ("x", 0.4), ("flat", 0.5)), Scores("c", ("x", 0.9), ("flat", 0.5)) };

        var statistics = StatisticsCalculator.Compute(records, ["x", "flat"]);

        Assert.Null(statistics.Correlations.Coefficient("x", "flat"));
        Assert.Null(statistics.Correlations.Coefficient("flat", "flat"));
        Assert.Equal(3, statistics.Correlations.Count("x", "flat"));
        Assert.Equal(0.0, statistics.Dimension("flat")!.Score.Sd);
    }

    [Fact]
    public void Correlation_UsesPairwiseCompleteObservations_AndNeedsThreePairs()
    {
        var records = new[]
        {
            Scores("a", ("x", 0.1), ("y", 0.2), ("sparse", 0.3)),
            Scores("b", ("x", 0.2), ("y", 0.4), ("sparse", null)),
            Scores("c", ("x", 0.3), ("y", null), ("sparse", 0.1)),
            Scores("d", ("x", 0.4), ("y", 0.8)),
        };

        var correlations = StatisticsCalculator.Compute(records, ["x", "y", "sparse"]).Correlations;

        Assert.Equal(3, correlations.Count("x", "y"));
        Assert.Equal(1.0, correlations.Coefficient("x", "y")!.Value, Precision);
        Assert.Equal(2, correlations.Count("x", "sparse"));
        Assert.Null(correlations.Coefficient("x", "sparse"));
        Assert.Equal(1, correlations.Count("y", "sparse"));
    }

    [Fact]
    public void Groups_AreSortedOrdinally_AndDocumentsWithoutTheFieldAreCountedAsMissing()
    {
        var records = new[]
        {
            Record("a", Dims(0.2), new Dictionary<string, string> { ["party"] = "b-party" }),
            Record("b", Dims(0.4), new Dictionary<string, string> { ["party"] = "b-party" }),
            Record("c", Dims(0.9), new Dictionary<string, string> { ["party"] = "A-party" }),
            Record("d", Dims(0.5), new Dictionary<string, string> { ["year"] = "1990" }),
            Record("e", Dims(0.5), new Dictionary<string, string> { ["party"] = "  " }),
        };

        var party = StatisticsCalculator.Compute(records, ["hope"], groupingFields: ["party"]).Group("party")!;

        Assert.Equal(2, party.MissingField);
        Assert.Equal(["A-party", "b-party"], party.Groups.Select(g => g.Value));
        var a = party.Groups[0];
        Assert.Equal(1, a.N);
        Assert.Equal(0.9, a.Dimensions.Single().Summary.Mean);
        Assert.Null(a.Dimensions.Single().Summary.Sd);
        var b = party.Groups[1];
        Assert.Equal(2, b.N);
        Assert.Equal("hope", b.Dimensions.Single().Name);
        Assert.Equal(0.3, b.Dimensions.Single().Summary.Mean!.Value, Precision);
        Assert.Equal(Math.Sqrt(0.02), b.Dimensions.Single().Summary.Sd!.Value, Precision);
    }

    [Fact]
    public void Groups_FollowTheOrderOfTheGroupingFields()
    {
        var records = new[] { Record("a", Dims(0.2), new Dictionary<string, string> { ["era"] = "old", ["party"] = "x" }) };

        var statistics = StatisticsCalculator.Compute(records, ["hope"], groupingFields: ["party", "era", "absent"]);

        Assert.Equal(["party", "era", "absent"], statistics.Groups.Select(g => g.Field));
        Assert.Equal(1, statistics.Group("absent")!.MissingField);
        Assert.Empty(statistics.Group("absent")!.Groups);
    }

    [Fact]
    public void SeveralModelsAndRuns_AreAveragedPerDocument_AndBrokenDownByModel()
    {
        var records = new[]
        {
            Record("a", Dims(0.2), model: "openai/gpt", run: 1),
            Record("a", Dims(0.4), model: "openai/gpt", run: 2),
            Record("a", Dims(0.6), model: "lexicon"),
            Record("b", Dims(0.8), model: "lexicon"),
        };

        var statistics = StatisticsCalculator.Compute(records, ["hope"]);

        Assert.Equal(new StatisticsCounts(2, 0, 4), statistics.Counts);
        Assert.Equal(["lexicon", "openai/gpt"], statistics.Models);
        // Document a: mean of 0.2, 0.4 and 0.6 = 0.4; document b: 0.8.
        var hope = statistics.Dimension("hope")!.Score;
        Assert.Equal(2, hope.N);
        Assert.Equal(0.6, hope.Mean!.Value, Precision);

        Assert.Equal(["lexicon", "openai/gpt"], statistics.ModelBreakdown.Select(m => m.Model));
        var lexicon = statistics.ModelBreakdown[0];
        Assert.Equal(2, lexicon.Documents);
        Assert.Equal(0.7, lexicon.Dimensions.Single().Summary.Mean!.Value, Precision);
        var gpt = statistics.ModelBreakdown[1];
        Assert.Equal(1, gpt.Documents);
        Assert.Equal(0.3, gpt.Dimensions.Single().Summary.Mean!.Value, Precision);
    }

    [Fact]
    public void ModelBreakdown_IsEmpty_WithASingleModel()
    {
        var statistics = StatisticsCalculator.Compute([Record("a", Dims(0.2)), Record("b", Dims(0.4))], ["hope"]);

        Assert.Equal(["lexicon"], statistics.Models);
        Assert.Empty(statistics.ModelBreakdown);
    }

    [Fact]
    public void EvidenceAndDocuments_AreCounted()
    {
        var records = new[]
        {
            Record("a", Dims(0.2), verified: 3, unverified: 1),
            Record("b", Dims(0.4), verified: 2, unverified: 0),
        };

        var statistics = StatisticsCalculator.Compute(records, ["hope"], documentsFailed: 4);

        Assert.Equal(new EvidenceCounts(6, 5, 1), statistics.Evidence);
        Assert.Equal(new StatisticsCounts(2, 4, 2), statistics.Counts);
    }

    [Fact]
    public void NoRecords_GiveEmptyButValidStatistics()
    {
        var statistics = StatisticsCalculator.Compute([], ["hope", "fear"], ["net"], ["party"], documentsFailed: 2);

        Assert.Equal(0, statistics.Dimension("hope")!.Score.N);
        Assert.Null(statistics.Correlations.Coefficient("hope", "fear"));
        Assert.Equal(0, statistics.Group("party")!.MissingField);
        Assert.Equal(2, statistics.Counts.DocumentsFailed);
        Assert.DoesNotContain("NaN", statistics.ToJson());
    }

    [Fact]
    public void Result_DoesNotDependOnTheOrderAnalysesFinished()
    {
        var random = new Random(7);
        var records = Enumerable.Range(0, 40)
            .Select(i => Record(
                $"doc{i:D2}",
                new Dictionary<string, DimensionValues>
                {
                    ["hope"] = new(random.NextDouble(), random.NextDouble(), random.NextDouble()),
                    ["fear"] = new(random.NextDouble(), random.NextDouble(), random.NextDouble()),
                },
                new Dictionary<string, string> { ["party"] = i % 3 == 0 ? "x" : "y" },
                model: i % 2 == 0 ? "m1" : "m2"))
            .ToList();
        var shuffled = records.OrderBy(_ => random.Next()).ToList();

        var first = StatisticsCalculator.Compute(records, ["hope", "fear"], groupingFields: ["party"]).ToJson();
        var second = StatisticsCalculator.Compute(shuffled, ["hope", "fear"], groupingFields: ["party"]).ToJson();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Compute_RejectsNegativeCounts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StatisticsCalculator.Compute([], ["hope"], documentsFailed: -1));
        var error = Assert.Throws<ArgumentException>(() => StatisticsCalculator.Compute([Record("a", Dims(0.2), verified: -1)], ["hope"]));
        Assert.Contains("a.txt", error.Message);
    }

    private static Dictionary<string, DimensionValues> Dims(double hope) => new() { ["hope"] = new DimensionValues(hope, 0.5, 0.5) };
}
