using Discernus.Experiments;
using Discernus.Statistics;
using static Discernus.Tests.Statistics.StatisticsTestData;

namespace Discernus.Tests.Statistics;

public sealed class HypothesisJudgeTests
{
    /// <summary>12 documents in groups a/b: hope clearly higher in a; fear the same in both; calm tracks hope.</summary>
    private static List<AnalysisRecord> Documents(int count = 12) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var inA = i % 2 == 0;
            var hope = (inA ? 0.8 : 0.2) + (i % 3 * 0.01);
            var fear = 0.4 + (i / 2 % 3 * 0.01);
            return Record($"d{i:D2}",
                new Dictionary<string, DimensionValues> { ["hope"] = new(hope, 0.5, 0.5), ["fear"] = new(fear, 0.5, 0.5), ["calm"] = new(hope / 2, 0.5, 0.5) },
                new Dictionary<string, string> { ["side"] = inA ? "a" : "b", ["era"] = (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }).ToList();

    private static HypothesisVerdict Judge(HypothesisTest test, int documents = 12)
    {
        var statistics = StatisticsCalculator.Compute(Documents(documents), ["hope", "fear", "calm"], groupingFields: ["side"],
            hypotheses: [new Hypothesis("H", "stated") { Test = test }]);
        return Assert.Single(statistics.Hypotheses);
    }

    [Fact]
    public void Higher_IsSupported_WhenSignificantInTheStatedDirection_AndNotOtherwise()
    {
        var supported = Judge(new HypothesisTest("hope", "side", ["a", "b"], null, "higher"));
        Assert.Equal(HypothesisVerdict.Supported, supported.Verdict);
        Assert.Equal("welch_t", supported.Test);
        Assert.True(supported.PHolm < 0.05);
        Assert.Contains("a is significantly higher than b", supported.Reason);

        var opposite = Judge(new HypothesisTest("hope", "side", ["b", "a"], null, "higher"));
        Assert.Equal(HypothesisVerdict.NotSupported, opposite.Verdict);
        Assert.Contains("opposite direction", opposite.Reason);
    }

    [Fact]
    public void NoDifference_IsSupported_OnlyWithoutSignificanceAndWithASmallEffect()
    {
        var fear = Judge(new HypothesisTest("fear", "side", [], null, "no_difference"));
        Assert.Equal(HypothesisVerdict.Supported, fear.Verdict);
        Assert.True(Math.Abs(fear.EffectSize!.Value) < 0.5);

        Assert.Equal(HypothesisVerdict.NotSupported, Judge(new HypothesisTest("hope", "side", [], null, "no_difference")).Verdict);
    }

    [Fact]
    public void AGroupingFieldTheExperimentDoesNotName_GetsItsOwnTests_InTheSameHolmFamily()
    {
        var statistics = StatisticsCalculator.Compute(Documents(), ["hope", "fear", "calm"], groupingFields: ["side"],
            hypotheses: [new Hypothesis("H", "eras differ") { Test = new HypothesisTest("hope", "era", [], null, "difference") }]);

        var added = statistics.Inference!.GroupTests.Where(g => g.Hypothesis == "H").ToList();
        Assert.Equal(["one_way_anova", "kruskal_wallis"], added.Select(g => g.Test.Test));
        Assert.Equal(statistics.Inference.HolmFamilySize, statistics.Inference.Correlations.Count * 2 + statistics.Inference.GroupTests.Count);
        Assert.Equal("one_way_anova", statistics.Hypotheses[0].Test);
    }

    [Fact]
    public void Correlations_AreDecidedByPearson_IncludingAPairTheDimensionMatrixLacks()
    {
        var positive = Judge(new HypothesisTest("hope", null, [], "calm", "positive"));
        Assert.Equal(HypothesisVerdict.Supported, positive.Verdict);
        Assert.Equal(1.0, positive.Statistic!.Value, 9);

        Assert.Equal(HypothesisVerdict.NotSupported, Judge(new HypothesisTest("hope", null, [], "calm", "negative")).Verdict);
    }

    [Fact]
    public void ProseOnly_OrTooFewDocuments_IsIndeterminate_WithTheReason()
    {
        var statistics = StatisticsCalculator.Compute(Documents(), ["hope"], hypotheses: [new Hypothesis("H", "hope matters")]);
        Assert.Equal(HypothesisVerdict.Indeterminate, statistics.Hypotheses[0].Verdict);
        Assert.Contains("add a `test:`", statistics.Hypotheses[0].Reason);

        var few = Judge(new HypothesisTest("hope", "side", ["a", "b"], null, "higher"), documents: 8);
        Assert.Equal(HypothesisVerdict.Indeterminate, few.Verdict);
        Assert.Contains("descriptive only", few.Reason);
    }
}
