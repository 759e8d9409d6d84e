using Discernus.Experiments;
using Discernus.Statistics;

namespace Discernus.Tests.Statistics;

public sealed class ValidityGateTests
{
    private static readonly string[] Dimensions = ["hope", "fear", "anger"];

    private static readonly DerivedMetric[] Metrics =
    [
        new("net_hope", null, "dimensions.hope.raw_score - dimensions.fear.raw_score"),
        new("hope_only", null, "hope.raw_score * 2"),
        new("tension", null, "(net_hope + derived_metrics.hope_only) / 2"),
        new("broken", null, "hope.raw_score +"),
    ];

    [Fact]
    public void WithoutGold_EveryVariableIsUnvalidated()
    {
        var gate = ValidityGate.For(null, Dimensions, Metrics);

        Assert.All(gate.Statuses.Values, s => Assert.Equal(ValidityStatus.Unvalidated, s));
        Assert.Equal(["hope", "fear", "anger", "net_hope", "hope_only", "tension", "broken"], gate.Statuses.Keys);
        Assert.Null(gate.NoteOf("hope"));
    }

    [Fact]
    public void ADerivedMetric_RestsOnTheWeakestDimensionItReads_ThroughOtherMetrics()
    {
        var gate = ValidityGate.For(Summary(("hope", ValidityStatus.Validated), ("fear", ValidityStatus.NotValidated)), Dimensions, Metrics);

        Assert.Equal(ValidityStatus.Validated, gate.StatusOf("hope"));
        Assert.Equal(ValidityStatus.NotValidated, gate.StatusOf("fear"));
        Assert.Equal(ValidityStatus.Unvalidated, gate.StatusOf("anger"));
        Assert.Equal(ValidityStatus.NotValidated, gate.StatusOf("net_hope"));
        Assert.Equal(ValidityStatus.Validated, gate.StatusOf("hope_only"));
        Assert.Equal(ValidityStatus.NotValidated, gate.StatusOf("tension"));
        Assert.Equal(ValidityStatus.Unvalidated, gate.StatusOf("broken"));
        Assert.Equal(ValidityStatus.NotValidated, gate.StatusOf("hope", "fear"));
        Assert.Equal(ValidityStatus.Unvalidated, gate.StatusOf("hope", "anger"));
        Assert.Equal("fear not validated: r 0.05 vs ceiling 0.50", gate.NoteOf("tension"));
        Assert.Null(gate.NoteOf("hope_only"));
    }

    [Fact]
    public void CorpusStatistics_CombineTheStatusesTheyCarry()
    {
        var statistics = StatisticsCalculator.Compute([], Dimensions) with
        {
            VariableValidity = new Dictionary<string, string> { ["hope"] = ValidityStatus.Validated, ["fear"] = ValidityStatus.NotValidated },
        };

        Assert.Equal(ValidityStatus.Validated, statistics.ValidityOf("hope"));
        Assert.Equal(ValidityStatus.NotValidated, statistics.ValidityOf("hope", "fear"));
        Assert.Equal(ValidityStatus.Unvalidated, statistics.ValidityOf("anger"));
    }

    private static ValiditySummary Summary(params (string Dimension, string Status)[] dimensions) =>
        new(new ValiditySettings(), "rule", new GoldCoverage(30, 30, 90, 3, 3, 3, 3, "complete"), [], 0,
            dimensions.Select(d => new DimensionValidity(d.Dimension, d.Status, "r 0.05 vs ceiling 0.50", 30, null, [], "lexicon", null)).ToList());
}
