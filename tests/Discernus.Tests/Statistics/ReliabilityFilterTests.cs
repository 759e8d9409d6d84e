using Discernus.Experiments;
using Discernus.Statistics;
using static Discernus.Tests.Statistics.StatisticsTestData;

namespace Discernus.Tests.Statistics;

public sealed class ReliabilityFilterTests
{
    private static readonly string[] Dimensions = ["hope", "fear"];
    private static readonly (string, string)[] Derived = [("net", "hope - fear")];

    // hope: salience 0.9 × confidence 0.9 = 0.81; fear: 0.2 × 0.5 = 0.10 in document a, 0.6 × 0.8 = 0.48 in b.
    private static readonly AnalysisRecord[] Records =
    [
        Record("a", new Dictionary<string, DimensionValues> { ["hope"] = new(0.8, 0.9, 0.9), ["fear"] = new(0.3, 0.2, 0.5) },
            derived: new Dictionary<string, double?> { ["net"] = 0.5 }),
        Record("b", new Dictionary<string, DimensionValues> { ["hope"] = new(0.4, 0.9, 0.9), ["fear"] = new(0.6, 0.6, 0.8) },
            derived: new Dictionary<string, double?> { ["net"] = -0.2 }),
    ];

    private static (IReadOnlyList<AnalysisRecord> Records, FilteringSummary? Summary) Apply(ReliabilityFiltering? reliability, AdvancedFiltering? advanced = null) =>
        ReliabilityFilter.Apply(Records, Dimensions, Derived, reliability, advanced);

    [Fact]
    public void NoSettings_OrZeroThresholds_ChangeNothing_AndGiveNoSummary()
    {
        Assert.Null(Apply(null).Summary);
        var (records, summary) = Apply(new ReliabilityFiltering(0, 0, 0, "confidence_x_salience"));

        Assert.Null(summary);
        Assert.Same(Records[0], records[0]);
    }

    [Fact]
    public void ReliabilityThreshold_BlanksTheObservationBelowIt_AndTheDerivedMetricsThatReadIt()
    {
        var (records, summary) = Apply(new ReliabilityFiltering(null, null, 0.25, null));

        Assert.Null(records[0].Dimensions["fear"].Score);
        Assert.Equal(0.8, records[0].Dimensions["hope"].Score);
        Assert.Null(records[0].DerivedMetrics["net"]);
        Assert.Same(Records[1], records[1]);
        Assert.NotNull(summary);
        Assert.Equal(4, summary.Observations);
        Assert.Equal(1, summary.Excluded);
        Assert.Equal("confidence_x_salience", summary.ReliabilityCalculation);
        var fear = Assert.Single(summary.Dimensions, d => d.Name == "fear");
        Assert.Equal((2, 1, 1), (fear.Observations, fear.Excluded, fear.BelowReliability));
    }

    [Theory]
    [InlineData("confidence", 0.55, 1)]   // fear in a: confidence 0.5
    [InlineData("salience", 0.55, 1)]     // fear in a: salience 0.2
    [InlineData("confidence_x_salience", 0.5, 2)] // 0.10 and 0.48
    public void ReliabilityCalculation_ChoosesTheValueComparedWithTheThreshold(string calculation, double threshold, int excluded)
    {
        var (_, summary) = Apply(new ReliabilityFiltering(null, null, threshold, calculation));

        Assert.Equal(excluded, summary!.Excluded);
    }

    [Fact]
    public void SalienceAndConfidenceThresholds_CountEachReason()
    {
        var (_, summary) = Apply(new ReliabilityFiltering(0.5, 0.6, null, null));

        var fear = summary!.Dimensions.Single(d => d.Name == "fear");
        Assert.Equal((1, 1, 1), (fear.Excluded, fear.BelowSalience, fear.BelowConfidence));
        Assert.Equal(0, summary.Dimensions.Single(d => d.Name == "hope").Excluded);
    }

    [Fact]
    public void AdvancedFiltering_ExcludesByName_AppliesDimensionThresholds_AndIncludeOverridesThresholds()
    {
        var advanced = new AdvancedFiltering(new Dictionary<string, double> { ["fear"] = 0.7 }, ["hope"], []);
        var (records, summary) = Apply(null, advanced);

        Assert.All(records, r => Assert.Null(r.Dimensions["hope"].Score));
        Assert.All(records, r => Assert.Null(r.Dimensions["fear"].Score));
        Assert.Equal(2, summary!.AnalysesFullyExcluded);
        Assert.True(summary.Dimensions.Single(d => d.Name == "hope").ExcludedByName);
        Assert.Equal(2, summary.Dimensions.Single(d => d.Name == "fear").BelowDimensionThreshold);

        var keepFear = new AdvancedFiltering(new Dictionary<string, double>(), [], ["fear"]);
        var (kept, keptSummary) = Apply(new ReliabilityFiltering(0.95, null, null, null), keepFear);
        Assert.All(kept, r => Assert.NotNull(r.Dimensions["fear"].Score));
        Assert.All(kept, r => Assert.Null(r.Dimensions["hope"].Score));
        Assert.True(keptSummary!.Dimensions.Single(d => d.Name == "fear").IncludedByName);
    }

    [Fact]
    public void FilteredStatistics_LeaveTheExcludedObservationOut_OfTheMean()
    {
        var (records, summary) = Apply(new ReliabilityFiltering(null, null, 0.25, null));
        var statistics = StatisticsCalculator.Compute(records, Dimensions, ["net"]) with { Filtering = summary };

        Assert.Equal(1, statistics.Dimension("fear")!.Score.N);
        Assert.Equal(0.6, statistics.Dimension("fear")!.Score.Mean);
        Assert.Equal(1, CorpusStatistics.FromJson(statistics.ToJson()).Filtering!.Excluded);
    }
}
