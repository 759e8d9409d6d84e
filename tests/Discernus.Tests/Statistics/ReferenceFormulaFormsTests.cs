using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Statistics;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Statistics;

/// <summary>
/// The formula forms of the original project's reference frameworks (entman_v10, mft_v11,
/// political_worldview_triad_v10, cddf_v10_2, cff_v10_4, caf_v10, ecf_v10_1), written into a fixture of our own
/// (tests/fixtures/valid/reference_formula_forms), read as a framework and evaluated against values computed by hand.
/// </summary>
public sealed class ReferenceFormulaFormsTests
{
    // One document: raw_score, salience, confidence per dimension.
    private static readonly Dictionary<string, DimensionValues> Document = new()
    {
        ["problem"] = new DimensionValues(0.8, 0.6, 0.9),
        ["cause"] = new DimensionValues(0.4, 0.2, 0.7),
        ["judgement"] = new DimensionValues(0.5, 0.9, 0.8),
        ["remedy"] = new DimensionValues(0.2, 0.3, 0.6),
    };

    private static ValidationReport Validate() =>
        ExperimentValidator.Validate(TestPaths.Valid("reference_formula_forms"), new ExperimentLimits());

    [Fact]
    public void EveryForm_Validates_WithOneWarningPerMetricThatCannotHaveAValue()
    {
        var report = Validate();

        Assert.Empty(report.Blocking);
        Assert.True(report.IsValid);
        var placeholder = Assert.Single(report.Warnings, w => w.Code == FindingCodes.DerivedMetricPlaceholder);
        Assert.Equal("derived_metrics.deliberation_index", placeholder.Field);
        Assert.Contains("\"[v10.1 formula]\"", placeholder.Message);
        var withoutValue = report.Warnings.Where(w => w.Code == FindingCodes.DerivedMetricWithoutValue).ToList();
        Assert.Equal(["derived_metrics.average_scope_breadth", "derived_metrics.dominant_frame"], withoutValue.Select(w => w.Field).Order());
        Assert.Contains("'scope_breadth', which the framework's output_schema declares but Discernus does not record", withoutValue.Single(w => w.Field!.EndsWith("breadth", StringComparison.Ordinal)).Message);
        Assert.Contains("gives a text, not a number", withoutValue.Single(w => w.Field!.EndsWith("frame", StringComparison.Ordinal)).Message);
    }

    [Fact]
    public void APlaceholderFormula_IsLeftOutOfTheFramework_SoNoStageComputesIt()
    {
        var framework = Validate().Experiment!.Framework;

        Assert.DoesNotContain(framework.DerivedMetrics, m => m.Name == "deliberation_index");
        Assert.Equal(18, framework.DerivedMetrics.Count);
        Assert.Contains("scope_breadth", framework.DeclaredScoreFields);
    }

    [Fact]
    public void EveryForm_GivesTheValueComputedByHand()
    {
        var framework = Validate().Experiment!.Framework;

        var results = DerivedMetricEvaluator.EvaluateAll(framework, DimensionValues.Lookup(Document));

        // Raw scores 0.8, 0.4, 0.5, 0.2 (mean 0.475); saliences 0.6, 0.2, 0.9, 0.3 (mean 0.5).
        var expected = new Dictionary<string, double>
        {
            // (0.8 + 0.4 + 0.5 + 0.2) / 4
            ["framing_mean"] = 0.475,
            // (0.8 * 0.4 * 0.5 * 0.2) ** 0.25 = 0.032 ** 0.25 = 2 ** 1.25 / 10 ** 0.75 = 2.3784142 / 5.6234133
            ["framing_geometric"] = 0.4229485,
            // (0.48 + 0.08 + 0.45 + 0.06) / (0.6 + 0.2 + 0.9 + 0.3) = 1.07 / 2
            ["framing_weighted"] = 0.535,
            // the largest salience, 0.9, is the third (index 2)
            ["dominant_function"] = 2,
            // deviations 0.325, -0.075, 0.025, -0.275: squares sum to 0.1875; population SD = sqrt(0.1875 / 4)
            ["framing_spread"] = 0.2165064,
            // deviations 0.1, -0.3, 0.4, -0.2: squares sum to 0.30; sqrt(0.30 / 4)
            ["salience_focus"] = 0.2738613,
            // weights 0.48, 0.08, 0.45, 0.06 (total 1.07); 1 - (0.2304 + 0.0064 + 0.2025 + 0.0036) / 1.07² = 1 - 0.4429 / 1.1449
            ["diversity"] = 0.6131540,
            // raw > 0.3: problem, cause, judgement; saliences 0.6, 0.2, 0.9: mean 1.7 / 3
            ["active_salience_mean"] = 0.5666667,
            // deviations 1/30, -11/30, 10/30: squares sum to 222/900; sqrt(222/900 / 3) = sqrt(0.0822222)
            ["active_salience_spread"] = 0.2867442,
            // saliences vs raw scores: sxy = 0.0325 + 0.0225 + 0.01 + 0.055 = 0.12; sxx = 0.30; syy = 0.1875;
            // r = 0.12 / sqrt(0.05625) = 0.12 / 0.2371708
            ["salience_score_correlation"] = 0.5059644,
            // the largest salience is the third: [0.1, 0.2, 0.3, 0.4][2]
            ["dominant_frame_weight"] = 0.3,
            // 1 - 0.2165064
            ["framing_consistency"] = 0.7834936,
            // 0.475 > 0.4 and 0.2 < 0.5
            ["strong_framing"] = 1.0,
            // three of the four raw scores are above 0.3
            ["active_share"] = 0.75,
            // min(0.8, 0.2) * |0.6 - 0.3|
            ["problem_remedy_tension"] = 0.06,
            // 0.535 / 0.476
            ["weighted_to_mean"] = 1.1239496,
        };
        foreach (var (name, value) in expected)
        {
            Assert.True(results[name].HasValue, $"{name}: {results[name].Reason}");
            Assert.Equal(value, results[name].Value!.Value, 1e-6);
        }

        Assert.StartsWith("it reads 'scope_breadth'", results["average_scope_breadth"].Reason);
        Assert.Equal("the formula gives 'problem', not a number", results["dominant_frame"].Reason);
    }

    [Fact]
    public void AComprehensionOverAllDimensions_ReadsEveryDimension_ForTheValidityOfTheMetric()
    {
        var framework = Validate().Experiment!.Framework;
        var formula = DerivedMetricEvaluator.Parse(framework.DerivedMetrics.Single(m => m.Name == "diversity").Formula, FormulaNames.Of(framework));

        Assert.Equal(["problem", "cause", "judgement", "remedy"], formula.ReferencedDimensions);
    }

    [Fact]
    public void AMissingScoreInsideAComprehension_GivesNoValue_NamingTheScore()
    {
        var framework = Validate().Experiment!.Framework;
        var document = new Dictionary<string, DimensionValues>(Document) { ["cause"] = new DimensionValues(null, null, null) };

        var results = DerivedMetricEvaluator.EvaluateAll(framework, DimensionValues.Lookup(document));

        Assert.Equal("dimensions.cause.raw_score has no value", results["diversity"].Reason);
        Assert.Equal("dimensions.cause.raw_score has no value", results["framing_mean"].Reason);
    }
}
