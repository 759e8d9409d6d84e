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
        Assert.Equal("supported if p (Holm) ≥ 0.05 and |g| < 0.5; not supported if p (Holm) < 0.05; otherwise indeterminate", fear.DecisionRule);

        Assert.Equal(HypothesisVerdict.NotSupported, Judge(new HypothesisTest("hope", "side", [], null, "no_difference")).Verdict);
    }

    [Fact]
    public void AGroupingFieldTheExperimentDoesNotName_GetsItsOwnTest_InTheHypothesisFamily_NotTheExploratoryOne()
    {
        var statistics = StatisticsCalculator.Compute(Documents(), ["hope", "fear", "calm"], groupingFields: ["side"],
            hypotheses: [new Hypothesis("H", "eras differ") { Test = new HypothesisTest("hope", "era", [], null, "difference") }]);
        var inference = statistics.Inference!;

        Assert.DoesNotContain(inference.GroupTests, g => g.Field == "era");
        Assert.Equal(inference.ExploratoryFamilySize, (inference.Correlations.Count * 2) + inference.GroupTests.Count);
        var confirmatory = Assert.Single(inference.Confirmatory);
        Assert.Equal(("H", "one_way_anova"), (confirmatory.Hypothesis, confirmatory.Test.Test));
        Assert.Equal(["0", "1", "2"], confirmatory.Groups);
        Assert.Equal(1, inference.ConfirmatoryFamilySize);
        Assert.Equal("one_way_anova", statistics.Hypotheses[0].Test);
        Assert.Equal(confirmatory.Test.P, statistics.Hypotheses[0].PHolm);
    }

    /// <summary>
    /// The case: twelve documents, a stated hypothesis with a two-sided Welch p of 0.049 (ReferenceData.Low/High),
    /// and 16 exploratory tests around it (3 dimension pairs × 2 coefficients + 5 variables × 2 tests by side).
    /// </summary>
    private static List<AnalysisRecord> DilutionData() =>
        ReferenceData.Low.Select((v, i) => (Hope: v, Side: "a", I: i)).Concat(ReferenceData.High.Select((v, i) => (Hope: v, Side: "b", I: i + 6)))
            .Select(x =>
            {
                var fear = 0.2 + (x.I % 5 * 0.05);
                var calm = 0.3 + (x.I * 7 % 6 * 0.04);
                return Record($"d{x.I:D2}",
                    new Dictionary<string, DimensionValues> { ["hope"] = new(x.Hope, 0.5, 0.5), ["fear"] = new(fear, 0.5, 0.5), ["calm"] = new(calm, 0.5, 0.5) },
                    new Dictionary<string, string> { ["side"] = x.Side },
                    derived: new Dictionary<string, double?> { ["balance"] = x.Hope - fear, ["energy"] = x.Hope + calm });
            })
            .ToList();

    private static CorpusStatistics Dilution(params Hypothesis[] hypotheses) =>
        StatisticsCalculator.Compute(DilutionData(), ["hope", "fear", "calm"], ["balance", "energy"], ["side"], hypotheses: hypotheses);

    [Fact]
    public void AStatedHypothesis_IsJudgedByHolmWithinTheHypotheses_NotDilutedBySixteenExploratoryTests()
    {
        var statistics = Dilution(new Hypothesis("H1", "hope differs by side") { Test = new HypothesisTest("hope", "side", ["a", "b"], null, "difference") });
        var inference = statistics.Inference!;

        Assert.Equal(16, inference.ExploratoryFamilySize);
        var exploratory = Assert.Single(inference.GroupTests, g => g.Variable == "hope" && g.Test.Test == "welch_t");
        // one_sided_reference.py: two-sided p = 0.0490976445751293.
        Assert.Equal(0.0490976445751293, exploratory.Test.P!.Value, 12);
        Assert.True(exploratory.PHolm > HypothesisJudge.Alpha, $"exploratory p (Holm) {exploratory.PHolm}");

        var verdict = Assert.Single(statistics.Hypotheses);
        Assert.Equal(HypothesisVerdict.Supported, verdict.Verdict);
        Assert.Equal((1, TestResult.TwoSided), (verdict.HolmFamilySize, verdict.Alternative));
        Assert.Equal(0.0490976445751293, verdict.P!.Value, 12);
        Assert.Equal(verdict.P, verdict.PHolm);
        Assert.Contains("p (Holm, 1 hypothesis) = 0.049", verdict.Reason);
    }

    [Fact]
    public void ADerivedMetricPairAHypothesisNames_IsTestedForItAlone_OutsideTheExploratoryFamily()
    {
        var statistics = Dilution(new Hypothesis("H", "balance and energy rise together") { Test = new HypothesisTest("balance", null, [], "energy", "positive") });
        var inference = statistics.Inference!;

        Assert.Equal(16, inference.ExploratoryFamilySize);
        Assert.DoesNotContain(inference.Correlations, c => c.First == "balance" || c.Second == "balance");
        var test = Assert.Single(inference.Confirmatory);
        Assert.Equal(("pearson", TestResult.Greater, 12), (test.Test.Test, test.Test.Alternative, test.N));
        var verdict = statistics.Hypotheses[0];
        Assert.Equal((1, "r", EffectSizeInterval.FisherZ), (verdict.HolmFamilySize, verdict.EffectSizeName, verdict.EffectSizeCi!.Method));
        Assert.Equal(verdict.Statistic, verdict.EffectSize);
    }

    [Fact]
    public void HolmRunsAcrossTheStatedHypotheses()
    {
        var statistics = Dilution(
            new Hypothesis("H1", "b higher on hope") { Test = new HypothesisTest("hope", "side", ["b", "a"], null, "higher") },
            new Hypothesis("H2", "b higher on energy") { Test = new HypothesisTest("energy", "side", ["b", "a"], null, "higher") },
            new Hypothesis("H3", "prose"));
        var (h1, h2) = (statistics.Hypotheses[0], statistics.Hypotheses[1]);

        Assert.Equal(2, statistics.Inference!.ConfirmatoryFamilySize);
        Assert.All(new[] { h1, h2 }, v => Assert.Equal(2, v.HolmFamilySize));
        Assert.Equal(Holm.Adjust([h1.P, h2.P]), [h1.PHolm, h2.PHolm]);
        // one_sided_reference.py: p less (low < high) = 0.0245488222875647, the same as p greater of high > low.
        Assert.Equal(0.0245488222875647, h1.P!.Value, 12);
        Assert.Null(statistics.Hypotheses[2].PHolm);
    }

    [Fact]
    public void ADirectionalHypothesis_IsDecidedByTheOneSidedTest_AndCarriesItsNumbers()
    {
        var verdict = Assert.Single(Dilution(new Hypothesis("H", "b higher") { Test = new HypothesisTest("hope", "side", ["b", "a"], null, "higher") }).Hypotheses);

        Assert.Equal(HypothesisVerdict.Supported, verdict.Verdict);
        Assert.Equal(("welch_t", TestResult.Greater), (verdict.Test, verdict.Alternative));
        // one_sided_reference.py: t = 2.30664115373842 (b − a), df = 8.22422568067933, p = 0.0245488222875647;
        // g = 1.22929836095515, 95% CI [-0.00454362355023915, 2.46314034546053] (Hedges & Olkin).
        Assert.Equal(2.30664115373842, verdict.Statistic!.Value, 12);
        Assert.Equal(8.22422568067933, verdict.Df1!.Value, 11);
        Assert.Equal(0.0245488222875647, verdict.P!.Value, 12);
        Assert.Equal("hedges_g", verdict.EffectSizeName);
        Assert.Equal(1.22929836095515, verdict.EffectSize!.Value, 9);
        Assert.Equal(-0.00454362355023915, verdict.EffectSizeCi!.Lower!.Value, 9);
        Assert.Equal(2.46314034546053, verdict.EffectSizeCi.Upper!.Value, 9);
        Assert.Equal("supported if p (Holm) < 0.05; otherwise not supported", verdict.DecisionRule);
        Assert.Contains("b is significantly higher than a", verdict.Reason);
        Assert.Contains("one-sided Welch t(8.22)", verdict.Reason);
    }

    [Fact]
    public void ADirectionalHypothesis_InTheWrongDirection_IsNotSupported_WithOneMinusHalfTheTwoSidedP()
    {
        var statistics = Dilution(
            new Hypothesis("H", "a higher") { Test = new HypothesisTest("hope", "side", ["a", "b"], null, "higher") },
            new Hypothesis("L", "a lower") { Test = new HypothesisTest("hope", "side", ["a", "b"], null, "lower") });
        var (wrong, right) = (statistics.Hypotheses[0], statistics.Hypotheses[1]);
        var twoSided = statistics.Inference!.GroupTests.Single(g => g.Variable == "hope" && g.Test.Test == "welch_t").Test.P!.Value;

        Assert.Equal(HypothesisVerdict.NotSupported, wrong.Verdict);
        Assert.Contains("opposite direction (a is lower than b)", wrong.Reason);
        Assert.Equal(1 - (twoSided / 2), wrong.P!.Value, 14);
        Assert.Equal(TestResult.Less, right.Alternative);
        Assert.Equal(twoSided / 2, right.P!.Value, 14);
        Assert.Equal(HypothesisVerdict.Supported, right.Verdict);
    }

    [Fact]
    public void VerdictsAndConfirmatoryTests_AreInStatisticsJson_InSnakeCase_AndDeterministic()
    {
        var statistics = Dilution(new Hypothesis("H", "b higher") { Test = new HypothesisTest("hope", "side", ["b", "a"], null, "higher") });
        var json = statistics.ToJson();

        foreach (var field in new[] { "\"decision_rule\"", "\"alternative\": \"greater\"", "\"df1\"", "\"p_holm\"", "\"holm_family_size\": 1", "\"effect_size_ci\"", "\"method\": \"hedges_olkin_large_sample\"", "\"confirmatory\"", "\"confirmatory_family_size\": 1", "\"exploratory_family_size\": 16" })
        {
            Assert.Contains(field, json, StringComparison.Ordinal);
        }

        Assert.Equal(json, Dilution(new Hypothesis("H", "b higher") { Test = new HypothesisTest("hope", "side", ["b", "a"], null, "higher") }).ToJson());
        Assert.Equal(json, CorpusStatistics.FromJson(json).ToJson());
    }

    [Fact]
    public void Correlations_AreDecidedByPearson_IncludingAPairTheDimensionMatrixLacks()
    {
        var positive = Judge(new HypothesisTest("hope", null, [], "calm", "positive"));
        Assert.Equal(HypothesisVerdict.Supported, positive.Verdict);
        Assert.Equal(1.0, positive.Statistic!.Value, 9);

        var negative = Judge(new HypothesisTest("hope", null, [], "calm", "negative"));
        Assert.Equal(HypothesisVerdict.NotSupported, negative.Verdict);
        Assert.Equal((TestResult.Less, 1.0), (negative.Alternative, negative.P));
        Assert.Contains("opposite direction", negative.Reason);
        Assert.Equal(EffectSizeInterval.FisherZ, positive.EffectSizeCi!.Method);
        Assert.Contains("|r| = 1", positive.EffectSizeCi.Note);
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
