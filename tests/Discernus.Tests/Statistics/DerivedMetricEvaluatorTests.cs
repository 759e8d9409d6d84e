using Discernus.Experiments;
using Discernus.Statistics;

namespace Discernus.Tests.Statistics;

public sealed class DerivedMetricEvaluatorTests
{
    private static readonly Dictionary<string, DimensionValues> Hope = new()
    {
        ["hope"] = new DimensionValues(0.8, 0.6, 0.9),
        ["fear"] = new DimensionValues(0.3, 0.2, 0.5),
        ["same_a"] = new DimensionValues(0.4, 0.4, 0.4),
        ["same_b"] = new DimensionValues(0.4, 0.4, 0.4),
        ["empty"] = new DimensionValues(null, null, null),
    };

    private static double? Value(string formula) =>
        DerivedMetricEvaluator.Parse(formula).Evaluate(DimensionValues.Lookup(Hope)).Value;

    private static DerivedMetricResult Result(string formula) =>
        DerivedMetricEvaluator.Parse(formula).Evaluate(DimensionValues.Lookup(Hope));

    private static DerivedMetricException ParseError(string formula) =>
        Assert.Throws<DerivedMetricException>(() => DerivedMetricEvaluator.Parse(formula));

    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("10 - 4 - 3", 3)]
    [InlineData("8 / 4 / 2", 1)]
    [InlineData("2 * 3 - 4 / 2", 4)]
    [InlineData("-2 * 3", -6)]
    [InlineData("2 * -3", -6)]
    [InlineData("- -1", 1)]
    [InlineData("-(1 + 2) * 2", -6)]
    [InlineData("+4 - +1", 3)]
    [InlineData("1 - -1", 2)]
    [InlineData("((((2))))", 2)]
    public void Arithmetic_FollowsUsualPrecedenceAndLeftAssociativity(string formula, double expected)
    {
        Assert.Equal(expected, Value(formula)!.Value, 12);
    }

    [Theory]
    [InlineData(".5", 0.5)]
    [InlineData("2.", 2)]
    [InlineData("1e-3", 0.001)]
    [InlineData("1.5E2", 150)]
    [InlineData("0.001", 0.001)]
    public void NumericLiterals_AreParsedInvariantly(string formula, double expected)
    {
        Assert.Equal(expected, Value(formula)!.Value, 12);
    }

    [Theory]
    [InlineData("abs(-0.5)", 0.5)]
    [InlineData("abs(0.5)", 0.5)]
    [InlineData("ABS(-2)", 2)]
    [InlineData("sqrt(0.25)", 0.5)]
    [InlineData("sqrt(0)", 0)]
    [InlineData("max(0.2, 0.7, 0.4)", 0.7)]
    [InlineData("min(0.2, 0.7, 0.4)", 0.2)]
    [InlineData("max(-1)", -1)]
    [InlineData("min(abs(-3), sqrt(4)) * 2", 4)]
    [InlineData("max(hope, fear) - min(hope, fear)", 0.5)]
    public void Functions_ComputeTheirValue(string formula, double expected)
    {
        Assert.Equal(expected, Value(formula)!.Value, 12);
    }

    [Theory]
    [InlineData("dimensions.hope.raw_score", 0.8)]
    [InlineData("dimensions.hope.score", 0.8)]
    [InlineData("dimensions.hope.salience", 0.6)]
    [InlineData("dimensions.hope.confidence", 0.9)]
    [InlineData("dimensions.hope", 0.8)]
    [InlineData("hope.raw_score", 0.8)]
    [InlineData("hope.Salience", 0.6)]
    [InlineData("hope", 0.8)]
    [InlineData("dimensions.hope.raw_score - dimensions.fear.raw_score", 0.5)]
    [InlineData("(hope.salience + fear.salience) / 2 + 0.001", 0.401)]
    [InlineData("abs(fear.raw_score - hope.raw_score)", 0.5)]
    public void References_ReadTheRightDimensionAndField(string formula, double expected)
    {
        Assert.Equal(expected, Value(formula)!.Value, 12);
    }

    [Fact]
    public void ReferencedDimensions_ListsEachDimensionOnceInOrderOfAppearance()
    {
        var formula = DerivedMetricEvaluator.Parse(
            "max(dimensions.fear.salience, hope) + fear.confidence * derived_metrics.balance + -courage");

        Assert.Equal(["fear", "hope", "courage"], formula.ReferencedDimensions);
        Assert.Equal(["balance"], formula.ReferencedDerivedMetrics);
    }

    [Fact]
    public void Parse_RejectsUnknownFunction_NamingItAndTheKnownOnes()
    {
        var error = ParseError("hope + log(fear)");

        Assert.Equal(8, error.Column);
        Assert.Contains("unknown function 'log'", error.Message);
        Assert.Contains("abs, sqrt, min, max, sum, len, mean", error.Message);
        Assert.Contains("np.std", error.Message);
        Assert.Contains("column 8", error.Message);
        Assert.Contains("\"hope + log(fear)\"", error.Message);
    }

    [Fact]
    public void Parse_RejectsUnclosedParenthesis_PointingAtTheEnd()
    {
        var error = ParseError("(hope + fear");

        Assert.Equal(13, error.Column);
        Assert.Contains("expected ')' to close the '(' at column 1", error.Message);
        Assert.Contains("the end of the formula", error.Message);
    }

    [Fact]
    public void Parse_RejectsExtraClosingParenthesis()
    {
        var error = ParseError("hope + fear)");

        Assert.Equal(12, error.Column);
        Assert.Contains("')' with no matching '('", error.Message);
    }

    [Fact]
    public void Parse_RejectsTrailingGarbage_SayingAnOperatorWasExpected()
    {
        var error = ParseError("hope fear");

        Assert.Equal(6, error.Column);
        Assert.Contains("expected an operator (+, -, *, /, **) or the end of the formula but found 'f'", error.Message);
    }

    [Theory]
    [InlineData("", 1, "the formula is empty")]
    [InlineData("   ", 4, "the formula is empty")]
    [InlineData("hope +", 7, "expected a number, a name, a function call, '(' or '[' but found the end of the formula")]
    [InlineData("hope * / fear", 8, "but found '/'")]
    [InlineData("hope ^ 2", 6, "but found '^'")]
    [InlineData("hope.foo", 6, "unknown field 'foo'")]
    [InlineData("dimensions.hope.raw_score.x", 1, "too many parts")]
    [InlineData("derived_metrics.a.b", 1, "derived_metrics.<name>")]
    [InlineData("hope.", 6, "expected a name after '.'")]
    [InlineData("abs(hope, fear)", 1, "abs() takes exactly 1 argument but was given 2")]
    [InlineData("sqrt()", 6, "expected an argument for sqrt()")]
    [InlineData("max(hope fear)", 10, "expected ',' or ')' to close the '(' of max at column 4")]
    [InlineData("max(hope,", 10, "found the end of the formula")]
    [InlineData("1e", 3, "digits of the exponent")]
    [InlineData("1e999", 1, "the number 1e999 is too large")]
    [InlineData("hope.salience(2)", 1, "'hope.salience' is not a function")]
    public void Parse_ReportsColumnAndWhatWasExpected(string formula, int column, string problem)
    {
        var error = ParseError(formula);

        Assert.Equal(column, error.Column);
        Assert.Contains(problem, error.Problem);
        Assert.StartsWith($"Invalid formula \"{formula}\" at column {column}: ", error.Message);
    }

    [Fact]
    public void Parse_RejectsPathologicalNesting_InsteadOfOverflowingTheStack()
    {
        var formula = new string('(', 10_000) + "1" + new string(')', 10_000);

        var error = ParseError(formula);

        Assert.Contains("nests deeper than", error.Message);
    }

    [Fact]
    public void TryParse_ReturnsTheErrorMessage_InsteadOfThrowing()
    {
        Assert.False(DerivedMetricEvaluator.TryParse("(hope", out var formula, out var error));
        Assert.Null(formula);
        Assert.Contains("expected ')'", error);

        Assert.True(DerivedMetricEvaluator.TryParse("hope", out formula, out error));
        Assert.NotNull(formula);
        Assert.Null(error);
    }

    [Fact]
    public void Evaluate_GivesNullWithReason_WhenAnInputValueIsNull()
    {
        var result = Result("hope + dimensions.empty.salience * 2");

        Assert.Null(result.Value);
        Assert.False(result.HasValue);
        Assert.Equal("dimensions.empty.salience has no value", result.Reason);
    }

    [Fact]
    public void Evaluate_GivesNullWithReason_WhenADimensionIsAbsent()
    {
        var result = Result("max(hope, courage)");

        Assert.Null(result.Value);
        Assert.Equal("dimensions.courage.raw_score has no value", result.Reason);
    }

    [Fact]
    public void Evaluate_GivesNullWithReason_OnDivisionByZero()
    {
        var result = Result("hope / (same_a - same_b)");

        Assert.Null(result.Value);
        Assert.Equal("division by zero: \"same_a - same_b\" is 0", result.Reason);
    }

    [Fact]
    public void Evaluate_DividesNormally_WhenTheFrameworkGuardsTheDivisor()
    {
        Assert.Equal(0.4 / 0.001, Value("same_a / (same_a - same_b + 0.001)")!.Value, 9);
    }

    [Fact]
    public void Evaluate_GivesNullWithReason_ForSqrtOfANegativeNumber()
    {
        var result = Result("sqrt(fear - hope)");

        Assert.Null(result.Value);
        Assert.StartsWith("sqrt of a negative number: \"fear - hope\" is -0.5", result.Reason);
    }

    [Fact]
    public void Evaluate_GivesNullWithReason_WhenTheResultOverflows()
    {
        var result = Result("hope * 1e308 * 10");

        Assert.Null(result.Value);
        Assert.Equal("\"hope * 1e308 * 10\" is not a finite number", result.Reason);
    }

    [Fact]
    public void Evaluate_GivesNullWithReason_WhenTheLookupReturnsNaN()
    {
        var result = DerivedMetricEvaluator.Parse("hope + 1").Evaluate((_, _) => double.NaN);

        Assert.Null(result.Value);
        Assert.Equal("dimensions.hope.raw_score is not a finite number", result.Reason);
    }

    [Fact]
    public void Evaluate_PassesTheCanonicalFieldToTheLookup()
    {
        var asked = new List<(string, string)>();
        DerivedMetricEvaluator.Parse("a + b.score + c.SALIENCE + dimensions.d.confidence")
            .Evaluate((d, f) =>
            {
                asked.Add((d, f));
                return 0;
            });

        Assert.Equal([("a", "raw_score"), ("b", "raw_score"), ("c", "salience"), ("d", "confidence")], asked);
    }

    [Fact]
    public void Evaluate_FailsADerivedMetricReference_WhenNoOtherMetricsAreGiven()
    {
        var result = DerivedMetricEvaluator.Parse("derived_metrics.balance * 2").Evaluate((_, _) => 1);

        Assert.Null(result.Value);
        Assert.Equal("derived_metrics.balance is not a known derived metric", result.Reason);
    }

    [Fact]
    public void EvaluateAll_EvaluatesEveryMetricInDefinitionOrder_AndResolvesReferencesToLaterOnes()
    {
        var results = DerivedMetricEvaluator.EvaluateAll(
            [
                ("net", "derived_metrics.total - 2 * fear"),
                ("total", "hope + fear"),
                ("tension", "min(hope, fear) * abs(hope.salience - fear.salience)"),
            ],
            DimensionValues.Lookup(Hope));

        Assert.Equal(["net", "total", "tension"], results.Keys);
        Assert.Equal(0.5, results["net"].Value!.Value, 12);
        Assert.Equal(1.1, results["total"].Value!.Value, 12);
        Assert.Equal(0.12, results["tension"].Value!.Value, 12);
    }

    [Fact]
    public void EvaluateAll_AcceptsFrameworkDerivedMetrics()
    {
        var results = DerivedMetricEvaluator.EvaluateAll(
            [new DerivedMetric("net", "hope minus fear", "dimensions.hope.raw_score - dimensions.fear.raw_score")],
            DimensionValues.Lookup(Hope));

        Assert.Equal(0.5, results["net"].Value!.Value, 12);
    }

    [Fact]
    public void EvaluateAll_ReportsBadFormulasByName_AndStillEvaluatesTheRest()
    {
        var results = DerivedMetricEvaluator.EvaluateAll(
            [("broken", "hope +"), ("blank", " "), ("fine", "hope"), ("uses_broken", "derived_metrics.broken + 1")],
            DimensionValues.Lookup(Hope));

        Assert.Null(results["broken"].Value);
        Assert.StartsWith("Invalid formula \"hope +\" at column 7", results["broken"].Reason);
        Assert.Equal("derived metric 'blank' has no formula", results["blank"].Reason);
        Assert.Equal(0.8, results["fine"].Value);
        Assert.StartsWith("derived_metrics.broken has no value (Invalid formula", results["uses_broken"].Reason);
    }

    [Fact]
    public void EvaluateAll_FailsCircularReferences_WithoutRecursingForever()
    {
        var results = DerivedMetricEvaluator.EvaluateAll(
            [("a", "derived_metrics.b + 1"), ("b", "derived_metrics.a + 1"), ("self", "derived_metrics.self"), ("c", "derived_metrics.a")],
            DimensionValues.Lookup(Hope));

        Assert.StartsWith("circular reference: derived_metrics.a -> derived_metrics.b -> derived_metrics.a", results["a"].Reason);
        Assert.StartsWith("circular reference: derived_metrics.a -> derived_metrics.b -> derived_metrics.a", results["b"].Reason);
        Assert.StartsWith("circular reference: derived_metrics.self -> derived_metrics.self", results["self"].Reason);
        Assert.StartsWith("derived_metrics.a has no value (circular reference", results["c"].Reason);
    }

    [Fact]
    public void EvaluateAll_FailsADuplicatedName()
    {
        var results = DerivedMetricEvaluator.EvaluateAll([("x", "hope"), ("x", "fear")], DimensionValues.Lookup(Hope));

        Assert.Single(results);
        Assert.Equal("derived metric 'x' is defined more than once; give each a unique name", results["x"].Reason);
    }

    [Fact]
    public void Check_ErrsOnUnknownReferences_SyntaxAndCycles_WithTheClosestName()
    {
        var issues = DerivedMetricEvaluator.Check(
            [
                ("ok", "hope - fear"),
                ("typo", "hopee - fear"),
                ("dangling", "derived_metrics.nothing"),
                ("bad", "max(hope"),
                ("loop", "derived_metrics.loop + 1"),
            ],
            ["hope", "fear"]);

        Assert.DoesNotContain(issues, i => i.MetricName == "ok");
        var typo = Assert.Single(issues, i => i.MetricName == "typo");
        Assert.True(typo.IsError);
        Assert.Contains("at column 1: 'hopee' is not a dimension, a derived metric or a variable of this formula; did you mean 'hope'?", typo.Message);
        var dangling = Assert.Single(issues, i => i.MetricName == "dangling");
        Assert.True(dangling.IsError);
        Assert.Contains("'nothing' is not a derived metric of the framework", dangling.Message);
        var bad = Assert.Single(issues, i => i.MetricName == "bad");
        Assert.True(bad.IsError);
        Assert.Contains("column 9", bad.Message);
        var loop = Assert.Single(issues, i => i.MetricName == "loop");
        Assert.True(loop.IsError);
        Assert.StartsWith("circular reference", loop.Message);
    }

    [Theory]
    [InlineData("dimensional_scores.hope.raw_score", 0.8)]
    [InlineData("dimensional_scores.hope.salience - dimensional_scores.fear.salience", 0.4)]
    [InlineData("min(dimensional_scores.hope.raw_score, dimensional_scores.fear.raw_score) * abs(dimensional_scores.hope.salience - dimensional_scores.fear.salience)", 0.12)]
    [InlineData("dimensional_scores.fear.confidence", 0.5)]
    public void DimensionalScoresPrefix_ReadsTheDimension_AsTheFlagshipFrameworksWriteIt(string formula, double expected)
    {
        Assert.Equal(expected, Value(formula)!.Value, 12);
    }

    [Fact]
    public void DimensionalScoresPrefix_WithTooManyParts_NamesThePrefixInTheError()
    {
        var error = ParseError("dimensional_scores.hope.raw_score.extra");

        Assert.Contains("expected dimensional_scores.<dimension>.<field>", error.Message);
    }

    [Fact]
    public void EvaluateAll_BareNamesOfOtherDerivedMetrics_AreEvaluatedInDependencyOrder()
    {
        // As CFF v10.4 writes its strategic_contradiction_index: an average of tension metrics by bare name,
        // here listed before the metrics it reads, two levels deep.
        var results = DerivedMetricEvaluator.EvaluateAll(
            [
                ("index", "(tension + gap) / 2"),
                ("tension", "min(dimensional_scores.hope.raw_score, dimensional_scores.fear.raw_score) * abs(dimensional_scores.hope.salience - dimensional_scores.fear.salience)"),
                ("gap", "total - fear"),
                ("total", "hope + fear"),
            ],
            DimensionValues.Lookup(Hope));

        Assert.Equal(["index", "tension", "gap", "total"], results.Keys);
        Assert.Equal(1.1, results["total"].Value!.Value, 12);
        Assert.Equal(0.8, results["gap"].Value!.Value, 12);
        Assert.Equal(0.12, results["tension"].Value!.Value, 12);
        Assert.Equal((0.12 + 0.8) / 2, results["index"].Value!.Value, 12);
    }

    [Fact]
    public void Check_ABareNameCycle_IsAnErrorNamingTheMetrics()
    {
        var issues = DerivedMetricEvaluator.Check([("a", "b + hope"), ("b", "c * 2"), ("c", "a - fear"), ("free", "hope")], ["hope", "fear"]);

        Assert.Equal(3, issues.Count);
        Assert.All(issues, i => Assert.True(i.IsError));
        Assert.All(issues, i => Assert.Contains("derived_metrics.a -> derived_metrics.b -> derived_metrics.c -> derived_metrics.a", i.Message));
        Assert.DoesNotContain(issues, i => i.MetricName == "free");
    }

    [Fact]
    public void Check_ABareDerivedMetricReference_IsNotAnUnknownDimension()
    {
        var issues = DerivedMetricEvaluator.Check([("total", "hope + fear"), ("half", "total / 2")], ["hope", "fear"]);

        Assert.Empty(issues);
    }

    [Fact]
    public void Check_ADerivedMetricNamedLikeADimension_IsAnError()
    {
        var issue = Assert.Single(DerivedMetricEvaluator.Check([("hope", "fear * 2")], ["hope", "fear"]));

        Assert.True(issue.IsError);
        Assert.Contains("has the name of a dimension", issue.Message);
    }

    [Fact]
    public void Metrics_prepared_once_evaluate_each_document_on_its_own_values_alone()
    {
        (string, string)[] metrics = [("balance", "hope - fear"), ("double_balance", "balance * 2"), ("broken", "hope +"), ("loop_a", "loop_b"), ("loop_b", "loop_a")];
        var names = FormulaNames.Of(["hope", "fear"], metrics.Select(m => m.Item1));
        var prepared = DerivedMetricEvaluator.Prepare(metrics, names);
        var other = new Dictionary<string, DimensionValues> { ["hope"] = new(0.1, 1, 1), ["fear"] = new(0.9, 1, 1) };

        foreach (var document in new[] { Hope, other, Hope })
        {
            var once = prepared.Evaluate(DimensionValues.Lookup(document));
            var fresh = DerivedMetricEvaluator.EvaluateAll(metrics, names, DimensionValues.Lookup(document));
            Assert.Equal(fresh.Keys, once.Keys);
            Assert.All(fresh, kv => Assert.Equal(kv.Value, once[kv.Key]));
        }

        Assert.Equal(-1.6, prepared.Evaluate(DimensionValues.Lookup(other))["double_balance"].Value!.Value, 10);
        Assert.Equal(1.0, prepared.Evaluate(DimensionValues.Lookup(Hope))["double_balance"].Value!.Value, 10);
        Assert.Null(prepared.Evaluate(DimensionValues.Lookup(Hope))["loop_a"].Value);
    }
}
