using Discernus.Statistics;
using static Discernus.Tests.Statistics.ReferenceData;
using static Discernus.Tests.Statistics.StatisticsTestData;

namespace Discernus.Tests.Statistics;

public sealed class InferenceCalculatorTests
{
    /// <summary>The sleep data as 20 documents: drug as a metadata field, extra sleep as the 'hope' score.</summary>
    private static List<AnalysisRecord> SleepDocuments(Func<int, string>? era = null) =>
        SleepGroup1.Select((v, i) => (Value: v, Drug: "one", I: i)).Concat(SleepGroup2.Select((v, i) => (Value: v, Drug: "two", I: i + 10)))
            .Select(x => Record($"doc{x.I:D2}",
                new Dictionary<string, DimensionValues> { ["hope"] = new(x.Value, 0.5, 0.5), ["fear"] = new(x.I % 7 / 10.0, 0.5, 0.5) },
                new Dictionary<string, string> { ["drug"] = x.Drug, ["id"] = $"id{x.I}", ["era"] = era?.Invoke(x.I) ?? "all" }))
            .ToList();

    [Fact]
    public void TwoGroups_GetWelchAndMannWhitney_WithTheReferenceValues_AndHolmAcrossTheRun()
    {
        var statistics = StatisticsCalculator.Compute(SleepDocuments(), ["hope", "fear"], groupingFields: ["drug"]);
        var inference = statistics.Inference!;

        Assert.False(inference.DescriptiveOnly);
        Assert.Equal("experiment", inference.GroupingSource);
        var welch = Assert.Single(inference.GroupTests, t => t.Variable == "hope" && t.Test.Test == "welch_t");
        Assert.Equal(["one", "two"], welch.Groups);
        Assert.Equal([10, 10], welch.GroupSizes);
        Assert.Equal(0.07939, welch.Test.P!.Value, 5);
        var mannWhitney = Assert.Single(inference.GroupTests, t => t.Variable == "hope" && t.Test.Test == "mann_whitney_u");
        Assert.Equal(0.06933, mannWhitney.Test.P!.Value, 5);

        // Family: 1 correlation pair × 2 coefficients + 2 variables × 2 tests = 6 p-values.
        Assert.Equal(6, inference.ExploratoryFamilySize);
        var raw = inference.Correlations.SelectMany(c => new[] { c.Pearson.P, c.Spearman.P }).Concat(inference.GroupTests.Select(g => g.Test.P)).ToList();
        var holm = inference.Correlations.SelectMany(c => new[] { c.PearsonPHolm, c.SpearmanPHolm }).Concat(inference.GroupTests.Select(g => g.PHolm)).ToList();
        Assert.All(raw.Zip(holm), pair => Assert.True(pair.Second >= pair.First));
        Assert.Equal(Math.Min(1, raw.Min()!.Value * 6), holm.Min()!.Value, 12);
    }

    [Fact]
    public void MoreThanTwoGroups_GetAnovaAndKruskalWallis()
    {
        var statistics = StatisticsCalculator.Compute(SleepDocuments(i => (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture)), ["hope"], groupingFields: ["era"]);

        var tests = statistics.Inference!.GroupTests.Select(t => t.Test.Test).ToList();
        Assert.Equal(["one_way_anova", "kruskal_wallis"], tests);
        Assert.Equal(3, statistics.Inference.GroupTests[0].Groups.Count);
        Assert.Equal("eta_squared", statistics.Inference.GroupTests[0].Test.EffectSizeName);
    }

    [Fact]
    public void WithoutGrouping_ManifestFieldsWithTwoToTenGroupsOfTwo_AreUsed()
    {
        // 'drug' has 2 groups of 10; 'id' has 20 groups of 1; 'era' has a single group: only 'drug' qualifies.
        var statistics = StatisticsCalculator.Compute(SleepDocuments(), ["hope"]);

        Assert.Equal("automatic", statistics.Inference!.GroupingSource);
        Assert.Equal(["drug"], statistics.Inference.GroupingFields);
        Assert.Equal(["drug"], statistics.Groups.Select(g => g.Field));
    }

    [Fact]
    public void BelowTenDocuments_IsDescriptiveOnly_AndSaysSo()
    {
        var statistics = StatisticsCalculator.Compute(SleepDocuments().Take(9).ToList(), ["hope", "fear"], groupingFields: ["drug"]);

        Assert.True(statistics.Inference!.DescriptiveOnly);
        Assert.Contains("descriptive only", statistics.Inference.Note);
        Assert.Empty(statistics.Inference.GroupTests);
        Assert.Empty(statistics.Inference.Correlations);
        Assert.NotNull(statistics.Dimension("hope")!.Score.CiLower);
    }

    [Fact]
    public void Inference_RoundTripsThroughStatisticsJson()
    {
        var statistics = StatisticsCalculator.Compute(SleepDocuments(), ["hope", "fear"], groupingFields: ["drug"]);

        var back = CorpusStatistics.FromJson(statistics.ToJson());

        Assert.Equal(statistics.ToJson(), back.ToJson());
        Assert.Contains("\"p_holm\"", statistics.ToJson(), StringComparison.Ordinal);
        Assert.Contains("\"ci_lower\"", statistics.ToJson(), StringComparison.Ordinal);
    }
}
