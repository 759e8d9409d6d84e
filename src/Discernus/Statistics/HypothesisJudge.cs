using System.Globalization;
using Discernus.Experiments;

namespace Discernus.Statistics;

/// <summary>
/// Decides stated hypotheses from <see cref="InferenceSummary"/>. The deciding tests are the parametric ones (Welch's t,
/// one-way ANOVA, Pearson's r) with Holm-adjusted p-values at α = 0.05; "no difference" and "no correlation" are
/// supported only when the test is not significant and the effect is small (|g| &lt; 0.5, η² &lt; 0.06, |r| &lt; 0.3),
/// otherwise the sample cannot decide (indeterminate).
/// </summary>
internal static class HypothesisJudge
{
    public const double Alpha = 0.05;
    public const double SmallHedgesG = 0.5;
    public const double SmallEtaSquared = 0.06;
    public const double SmallCorrelation = 0.3;

    public static IReadOnlyList<HypothesisVerdict> Decide(IReadOnlyList<Hypothesis> hypotheses, InferenceSummary inference)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(inference);
        return hypotheses.Select(h => Decide(h, inference)).ToList();
    }

    private static HypothesisVerdict Decide(Hypothesis hypothesis, InferenceSummary inference)
    {
        HypothesisVerdict Indeterminate(string reason) => new(hypothesis.Id, hypothesis.Description, HypothesisVerdict.Indeterminate, reason);
        if (hypothesis.Test is not { } test)
        {
            return Indeterminate("stated in prose only: add a `test:` (variable, by or correlates_with, expect) so the statistics can decide it");
        }

        if (inference.DescriptiveOnly)
        {
            return Indeterminate(inference.Note ?? "descriptive statistics only");
        }

        return test.IsCorrelation ? Correlation(hypothesis, test, inference) : Groups(hypothesis, test, inference);
    }

    private static HypothesisVerdict Groups(Hypothesis hypothesis, HypothesisTest test, InferenceSummary inference)
    {
        var result = InferenceCalculator.FindGroupTest(inference, test, hypothesis.Id);
        if (result is null || result.Test.P is not { } p || result.PHolm is not { } holm)
        {
            return new(hypothesis.Id, hypothesis.Description, HypothesisVerdict.Indeterminate,
                $"no test of {test.Variable} by {test.By} could be computed (each group needs at least {InferenceCalculator.MinimumGroupSize} documents with a value, and the values must vary)");
        }

        var significant = holm < Alpha;
        var numbers = $"{Describe(result.Test)}, p = {F(p)}, p (Holm) = {F(holm)}, {result.Test.EffectSizeName?.Replace('_', ' ')} = {F(result.Test.EffectSize)}; means {string.Join(", ", result.Groups.Select((g, i) => $"{g} {F(result.Means[i])} (n = {result.GroupSizes[i]})"))}";
        var small = result.Test.EffectSize is { } effect && (result.Test.EffectSizeName == "hedges_g" ? Math.Abs(effect) < SmallHedgesG : effect < SmallEtaSquared);
        var (verdict, rule) = test.Expect switch
        {
            "difference" => significant ? (HypothesisVerdict.Supported, "the groups differ significantly") : (HypothesisVerdict.NotSupported, "no significant difference"),
            "no_difference" => significant ? (HypothesisVerdict.NotSupported, "the groups differ significantly")
                : small ? (HypothesisVerdict.Supported, "no significant difference and a small effect")
                : (HypothesisVerdict.Indeterminate, "no significant difference, but the effect is not small: the sample cannot decide"),
            _ => Directional(test, result, significant),
        };
        return new(hypothesis.Id, hypothesis.Description, verdict, $"{rule}: {numbers}", result.Test.Test, result.Test.Statistic, p, holm, result.Test.EffectSizeName, result.Test.EffectSize);
    }

    private static (string, string) Directional(HypothesisTest test, GroupTestResult result, bool significant)
    {
        var first = result.Means[result.Groups.ToList().IndexOf(test.Groups[0])];
        var second = result.Means[result.Groups.ToList().IndexOf(test.Groups[1])];
        var expectedHigher = test.Expect == "higher";
        var observedHigher = first > second;
        if (!significant)
        {
            return (HypothesisVerdict.NotSupported, "no significant difference");
        }

        return observedHigher == expectedHigher
            ? (HypothesisVerdict.Supported, $"{test.Groups[0]} is significantly {test.Expect} than {test.Groups[1]}")
            : (HypothesisVerdict.NotSupported, $"the difference is significant but in the opposite direction");
    }

    private static HypothesisVerdict Correlation(Hypothesis hypothesis, HypothesisTest test, InferenceSummary inference)
    {
        var result = InferenceCalculator.FindCorrelation(inference, test.Variable, test.CorrelatesWith!);
        if (result is null || result.Pearson.Statistic is not { } r || result.Pearson.P is not { } p || result.PearsonPHolm is not { } holm)
        {
            return new(hypothesis.Id, hypothesis.Description, HypothesisVerdict.Indeterminate,
                $"the correlation of {test.Variable} and {test.CorrelatesWith} is undefined (fewer than 3 documents with both, or a constant score)");
        }

        var significant = holm < Alpha;
        var numbers = $"Pearson r = {F(r)} (n = {result.N}), p = {F(p)}, p (Holm) = {F(holm)}; Spearman ρ = {F(result.Spearman.Statistic)}";
        var (verdict, rule) = test.Expect switch
        {
            "none" => significant ? (HypothesisVerdict.NotSupported, "the correlation is significant")
                : Math.Abs(r) < SmallCorrelation ? (HypothesisVerdict.Supported, "no significant correlation and |r| is small")
                : (HypothesisVerdict.Indeterminate, "not significant, but |r| is not small: the sample cannot decide"),
            _ when !significant => (HypothesisVerdict.NotSupported, "no significant correlation"),
            _ => (r > 0) == (test.Expect == "positive")
                ? (HypothesisVerdict.Supported, $"a significant {test.Expect} correlation")
                : (HypothesisVerdict.NotSupported, "the correlation is significant but in the opposite direction"),
        };
        return new(hypothesis.Id, hypothesis.Description, verdict, $"{rule}: {numbers}", "pearson", r, p, holm);
    }

    private static string Describe(TestResult test) => test.Test switch
    {
        "welch_t" => $"Welch t({F(test.Df1)}) = {F(test.Statistic)}",
        "one_way_anova" => $"F({F(test.Df1, 0)}, {F(test.Df2, 0)}) = {F(test.Statistic)}",
        _ => $"{test.Test} = {F(test.Statistic)}",
    };

    private static string F(double? value, int decimals = StatisticsFormatter.DefaultDecimals) => StatisticsFormatter.Format(value, decimals);

    private static string F(int value) => value.ToString(CultureInfo.InvariantCulture);
}
