using System.Globalization;
using Discernus.Experiments;

namespace Discernus.Statistics;

/// <summary>
/// Decides stated hypotheses from their confirmatory tests (<see cref="InferenceSummary.Confirmatory"/>): one test per
/// hypothesis, one-sided when it states a direction, Holm-adjusted across the hypotheses only, at α = 0.05. "No
/// difference" and "no correlation" are supported only when the test is not significant and the effect is small
/// (|g| &lt; 0.5, η² &lt; 0.06, |r| &lt; 0.3); otherwise the sample cannot decide (indeterminate).
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

    /// <summary>
    /// The rule in words, its condition for "supported" first (the report's table shows that clause alone);
    /// <paramref name="groups"/> is the number of groups compared (0 for a correlation or when unknown).
    /// </summary>
    public static string DecisionRule(HypothesisTest test, int groups)
    {
        ArgumentNullException.ThrowIfNull(test);
        var alpha = F(Alpha, 2);
        var small = test.IsCorrelation ? $"|r| < {F(SmallCorrelation, 1)}" : groups > 2 ? $"η² < {F(SmallEtaSquared, 2)}" : $"|g| < {F(SmallHedgesG, 1)}";
        return test.Expect switch
        {
            "no_difference" or "none" => $"supported if p (Holm) ≥ {alpha} and {small}; not supported if p (Holm) < {alpha}; otherwise indeterminate",
            _ => $"supported if p (Holm) < {alpha}; otherwise not supported",
        };
    }

    private static HypothesisVerdict Decide(Hypothesis hypothesis, InferenceSummary inference)
    {
        if (hypothesis.Test is not { } test)
        {
            return new(hypothesis.Id, hypothesis.Description, HypothesisVerdict.Indeterminate,
                "stated in prose only: add a `test:` (variable, by or correlates_with, expect) so the statistics can decide it");
        }

        var result = inference.Confirmatory.FirstOrDefault(c => c.Hypothesis == hypothesis.Id);
        var rule = DecisionRule(test, result?.Groups.Count ?? test.Groups.Count);
        if (inference.DescriptiveOnly)
        {
            return new(hypothesis.Id, hypothesis.Description, HypothesisVerdict.Indeterminate, inference.Note ?? "descriptive statistics only") { DecisionRule = rule };
        }

        if (result is null || result.Test.P is not { } p || result.PHolm is not { } holm)
        {
            var reason = test.IsCorrelation
                ? $"the correlation of {test.Variable} and {test.CorrelatesWith} is undefined (fewer than 3 documents with both, or a constant score)"
                : $"no test of {test.Variable} by {test.By} could be computed (each group needs at least {InferenceCalculator.MinimumGroupSize} documents with a value, and the values must vary)";
            return new(hypothesis.Id, hypothesis.Description, HypothesisVerdict.Indeterminate, reason) { DecisionRule = rule, Test = result?.Test.Test, Alternative = result?.Test.Alternative };
        }

        var significant = holm < Alpha;
        var (verdict, outcome) = test.IsCorrelation ? Correlation(test, result, significant) : Groups(test, result, significant);
        var numbers = $"{TestName(result.Test)}, p = {F(p)}, p (Holm, {Hypotheses(inference.ConfirmatoryFamilySize)}) = {F(holm)}; {EffectText(result.Test)}";
        var context = test.IsCorrelation
            ? $"n = {F(result.N)}"
            : "means " + string.Join(", ", result.Groups.Select((g, i) => $"{g} {F(result.Means[i])} (n = {F(result.GroupSizes[i])})"));
        return new(hypothesis.Id, hypothesis.Description, verdict, $"{outcome}: {numbers}; {context}")
        {
            DecisionRule = rule,
            Test = result.Test.Test,
            Alternative = result.Test.Alternative,
            Statistic = result.Test.Statistic,
            Df1 = result.Test.Df1,
            Df2 = result.Test.Df2,
            P = p,
            PHolm = holm,
            HolmFamilySize = inference.ConfirmatoryFamilySize,
            EffectSizeName = result.Test.EffectSizeName,
            EffectSize = result.Test.EffectSize,
            EffectSizeCi = result.Test.EffectSizeCi,
        };
    }

    private static (string, string) Groups(HypothesisTest test, ConfirmatoryTestResult result, bool significant)
    {
        var effect = result.Test.EffectSize;
        var small = effect is { } e && (result.Test.EffectSizeName == "hedges_g" ? Math.Abs(e) < SmallHedgesG : e < SmallEtaSquared);
        if (test.Expect is "higher" or "lower")
        {
            // The test is one-sided in the stated direction: a difference the other way can never be significant here.
            var (first, second) = (result.Groups[0], result.Groups[1]);
            var observed = result.Means[0] > result.Means[1] ? "higher" : result.Means[0] < result.Means[1] ? "lower" : "equal";
            return significant ? (HypothesisVerdict.Supported, $"{first} is significantly {test.Expect} than {second}")
                : observed == test.Expect ? (HypothesisVerdict.NotSupported, $"{first} is {test.Expect} than {second}, but not significantly")
                : (HypothesisVerdict.NotSupported, $"the observed difference is in the opposite direction ({first} is {(observed == "equal" ? "equal to" : observed + " than")} {second})");
        }

        return test.Expect switch
        {
            "no_difference" => significant ? (HypothesisVerdict.NotSupported, "the groups differ significantly")
                : small ? (HypothesisVerdict.Supported, "no significant difference and a small effect")
                : (HypothesisVerdict.Indeterminate, "no significant difference, but the effect is not small, so the sample cannot decide"),
            _ => significant ? (HypothesisVerdict.Supported, "the groups differ significantly") : (HypothesisVerdict.NotSupported, "no significant difference"),
        };
    }

    private static (string, string) Correlation(HypothesisTest test, ConfirmatoryTestResult result, bool significant)
    {
        var r = result.Test.Statistic ?? 0;
        if (test.Expect == "none")
        {
            return significant ? (HypothesisVerdict.NotSupported, "the correlation is significant")
                : Math.Abs(r) < SmallCorrelation ? (HypothesisVerdict.Supported, "no significant correlation and |r| is small")
                : (HypothesisVerdict.Indeterminate, "not significant, but |r| is not small, so the sample cannot decide");
        }

        var observed = r > 0 ? "positive" : r < 0 ? "negative" : "zero";
        return significant ? (HypothesisVerdict.Supported, $"a significant {test.Expect} correlation")
            : observed == test.Expect ? (HypothesisVerdict.NotSupported, $"the correlation is {test.Expect}, but not significantly")
            : (HypothesisVerdict.NotSupported, $"the observed correlation is {(observed == "zero" ? "zero" : "in the opposite direction")}");
    }

    /// <summary>E.g. "one-sided Welch t(8.22) = -2.307", "one-way ANOVA F(2, 27) = 4.846", "two-sided Pearson r = 0.571".</summary>
    private static string TestName(TestResult test)
    {
        var sided = test.Alternative == TestResult.TwoSided ? "two-sided" : "one-sided";
        return test.Test switch
        {
            "welch_t" => $"{sided} Welch t({F(test.Df1, 2)}) = {F(test.Statistic)}",
            "one_way_anova" => $"one-way ANOVA F({F(test.Df1, 0)}, {F(test.Df2, 0)}) = {F(test.Statistic)}",
            "pearson" => $"{sided} Pearson r = {F(test.Statistic)}",
            _ => $"{test.Test} = {F(test.Statistic)}",
        };
    }

    private static string EffectText(TestResult test)
    {
        var name = test.EffectSizeName switch { "hedges_g" => "Hedges' g", "eta_squared" => "η²", _ => test.EffectSizeName ?? "effect size" };
        var interval = test.EffectSizeCi switch
        {
            { IsDefined: true } ci => $", 95% CI [{F(ci.Lower)}, {F(ci.Upper)}]",
            { Note: { } note } => $" (no CI: {note})",
            _ => "",
        };
        return $"{name} = {F(test.EffectSize)}{interval}";
    }

    private static string Hypotheses(int k) => k == 1 ? "1 hypothesis" : $"{F(k)} hypotheses";

    private static string F(double? value, int decimals = StatisticsFormatter.DefaultDecimals) => StatisticsFormatter.Format(value, decimals);

    private static string F(int value) => value.ToString(CultureInfo.InvariantCulture);
}
