using System.Text;
using Discernus.Experiments;
using Discernus.Statistics;

namespace Discernus.Tests.Statistics;

/// <summary>The Python part of the formula language (issue 15) and its bounds (issue 14), with values computed by hand.</summary>
public sealed class FormulaLanguageTests
{
    private static readonly Dictionary<string, DimensionValues> Scores = new()
    {
        ["hope"] = new DimensionValues(0.8, 0.6, 0.9),
        ["fear"] = new DimensionValues(0.3, 0.2, 0.5),
        ["unity"] = new DimensionValues(0.5, 0.4, 0.7),
    };

    private static readonly FormulaNames Names = FormulaNames.Of(["hope", "fear", "unity"], ["balance"]) with
    {
        UnrecordedFields = new HashSet<string>(StringComparer.Ordinal) { "scope_breadth" },
    };

    private static DerivedMetricResult Result(string formula) =>
        DerivedMetricEvaluator.Parse(formula, Names).Evaluate(DimensionValues.Lookup(Scores), name => name == "balance" ? DerivedMetricResult.Success(0.25) : null);

    private static double Value(string formula)
    {
        var result = Result(formula);
        Assert.True(result.HasValue, result.Reason);
        return result.Value!.Value;
    }

    private static DerivedMetricException ParseError(string formula) =>
        Assert.Throws<DerivedMetricException>(() => DerivedMetricEvaluator.Parse(formula, Names));

    [Theory]
    [InlineData("2 ** 3", 8)]
    [InlineData("2 ** 3 ** 2", 512)] // right to left: 2 ** 9
    [InlineData("-2 ** 2", -4)] // ** binds tighter than unary minus on its left
    [InlineData("2 ** -1", 0.5)]
    [InlineData("(2 * 3) ** 2", 36)]
    [InlineData("0.0625 ** 0.25", 0.5)]
    [InlineData("7 // 2", 3)]
    [InlineData("-7 // 2", -4)] // Python floors
    [InlineData("7 % 3", 1)]
    [InlineData("-1 % 3", 2)] // the sign of the divisor
    [InlineData("hope ** 2", 0.64)]
    public void Powers_FloorDivisionAndRemainder_FollowPython(string formula, double expected)
    {
        Assert.Equal(expected, Value(formula), 12);
    }

    [Theory]
    [InlineData("1.0 if hope > 0.7 else 0.5", 1.0)]
    [InlineData("1.0 if hope > 0.9 else 0.5", 0.5)]
    [InlineData("1.0 if hope > 0.5 and fear < 0.2 else 0.5", 0.5)]
    [InlineData("1.0 if hope > 0.5 or fear < 0.2 else 0.5", 1.0)]
    [InlineData("1.0 if not fear > 0.5 else 0.5", 1.0)]
    [InlineData("1 if 0.2 < fear <= 0.3 else 0", 1)] // chained, as in Python
    [InlineData("(hope > fear) + (fear > unity)", 1)] // True counts 1
    [InlineData("1 if 'a' == 'a' else 0", 1)]
    [InlineData("2 if True else 3", 2)]
    public void ComparisonsAndConditionals_GiveThePythonValue(string formula, double expected)
    {
        Assert.Equal(expected, Value(formula), 12);
    }

    [Theory]
    [InlineData("sum([hope, fear, unity])", 1.6)]
    [InlineData("mean([hope, fear, unity])", 1.6 / 3)]
    [InlineData("np.mean([hope, fear])", 0.55)]
    [InlineData("np.average([hope, fear])", 0.55)]
    [InlineData("average([hope, fear])", 0.55)]
    [InlineData("len([hope, fear, unity])", 3)]
    [InlineData("max([hope, fear, unity])", 0.8)]
    [InlineData("min([hope, fear, unity])", 0.3)]
    [InlineData("np.max([hope, fear, unity])", 0.8)]
    [InlineData("np.min([hope, fear, unity])", 0.3)]
    [InlineData("np.median([hope, fear, unity])", 0.5)]
    [InlineData("np.median([hope, fear])", 0.55)]
    [InlineData("np.std([hope, fear])", 0.25)] // deviations ±0.25, population SD
    [InlineData("np.var([hope, fear])", 0.0625)]
    [InlineData("std([hope, fear])", 0.25)]
    [InlineData("np.argmax([fear, hope, unity])", 1)]
    [InlineData("np.argmin([fear, hope, unity])", 0)]
    [InlineData("np.argmax([0.5, 0.9, 0.9])", 1)] // the first of equal maxima, as NumPy
    [InlineData("np.abs(fear - hope)", 0.5)]
    [InlineData("sum(np.abs([fear - hope, unity - hope]))", 0.8)]
    [InlineData("np.sqrt(0.25)", 0.5)]
    [InlineData("sum(np.sqrt([0.25, 0.04]))", 0.7)]
    [InlineData("numpy.std([hope, fear])", 0.25)]
    [InlineData("NP.STD([hope, fear])", 0.25)]
    [InlineData("sum([])", 0)]
    public void ListFunctions_GiveTheNumPyValue(string formula, double expected)
    {
        Assert.Equal(expected, Value(formula), 12);
    }

    [Theory]
    [InlineData("[hope, fear, unity][0]", 0.8)]
    [InlineData("[hope, fear, unity][-1]", 0.5)]
    [InlineData("[[1, 2], [3, 4]][1][0]", 3)]
    [InlineData("[[1, 2], [3, 4]][1, 0]", 3)]
    [InlineData("np.corrcoef([1, 2, 3], [2, 4, 7])[0, 0]", 1)]
    [InlineData("np.corrcoef([1, 2, 3], [3, 2, 1])[1, 0]", -1)]
    [InlineData("[0.1, 0.2, 0.3][np.argmax([fear, hope, unity])]", 0.2)]
    public void Indexing_ReadsListsAndMatrices_AsPythonAndNumPy(string formula, double expected)
    {
        Assert.Equal(expected, Value(formula), 12);
    }

    [Theory]
    [InlineData("sum([dim.raw_score for dim in all_dimensions])", 1.6)]
    [InlineData("sum(dim.raw_score for dim in all_dimensions)", 1.6)] // a generator argument
    [InlineData("len([d for d in all_dimensions if d.raw_score >= 0.5])", 2)]
    [InlineData("sum([d.salience for d in all_dimensions if d.raw_score > 0.4 if d.confidence > 0.8])", 0.6)]
    [InlineData("sum([x * y for x in [1, 2] for y in [10, 100]])", 330)]
    [InlineData("sum([x ** 2 for x in [hope, fear]])", 0.73)]
    [InlineData("total_weighted_score", 0.48 + 0.06 + 0.2)]
    [InlineData("max([dim.confidence for dim in all_dimensions]) - min(dim.confidence for dim in all_dimensions)", 0.4)]
    public void Comprehensions_IterateTheFrameworksDimensionsInOrder(string formula, double expected)
    {
        Assert.Equal(expected, Value(formula), 12);
    }

    [Theory]
    [InlineData("mean([d.salience for d in all_dimensions if d.raw_score > 0.9])", "mean() of an empty list")]
    [InlineData("np.corrcoef([hope, hope], [fear, unity])[0, 1]", "does not vary, so the correlation is undefined")]
    [InlineData("np.corrcoef([hope], [fear])[0, 1]", "at least 2")]
    [InlineData("[hope, fear][2]", "outside a list of 2 value(s)")]
    [InlineData("[hope, fear][0.5]", "not a whole number")]
    [InlineData("(fear - hope) ** 0.5", "is not a real number")]
    [InlineData("(hope - hope) ** -1", "division by zero")]
    [InlineData("hope // (fear - fear)", "division by zero")]
    [InlineData("['a', 'b'][0]", "the formula gives 'a', not a number")]
    [InlineData("np.std(['a', hope])", "needs a list of numbers")]
    public void RuntimeProblems_GiveNoValue_WithAReason(string formula, string reason)
    {
        var result = Result(formula);

        Assert.False(result.HasValue);
        Assert.Contains(reason, result.Reason);
    }

    [Theory]
    [InlineData("hope + [fear]", 8, "\"[fear]\" is a list of numbers, but + needs a number; sum(...)")]
    [InlineData("np.std(hope)", 8, "np.std() needs a list of numbers; \"hope\" is a number; write the values as a list")]
    [InlineData("np.min(hope, fear)", 1, "np.min() takes exactly 1 argument but was given 2; NumPy's second argument is an axis: write min(a, b)")]
    [InlineData("hope[0]", 1, "only a list can be indexed")]
    [InlineData("[d for d in all_dimensions]", 1, "gives a list of dimensions, not a number")]
    [InlineData("sum([d for d in all_dimensions])", 5, "needs a list of numbers")]
    [InlineData("sum([d.salince for d in all_dimensions])", 8, "unknown field 'salince'")]
    [InlineData("sum([d.raw_score for d in hope])", 27, "'for d in' needs a list")]
    [InlineData("sum([x.raw_score for x in [1, 2]])", 6, "'x' is a number, so it has no field 'raw_score'")]
    [InlineData("grievence - hope", 1, "'grievence' is not a dimension, a derived metric or a variable of this formula")]
    [InlineData("derived_metrics.balanse", 17, "'balanse' is not a derived metric of the framework; did you mean 'balance'?")]
    [InlineData("dimensions.hopee.raw_score", 12, "'hopee' is not a dimension of the framework; did you mean 'hope'?")]
    [InlineData("[d.raw_score for d in all_dimensions][0] + d.raw_score", 44, "'d' is not a dimension")]
    [InlineData("1 if hope else", 15, "found the end of the formula")]
    [InlineData("1 if hope", 10, "expected 'else'")]
    [InlineData("[hope for in all_dimensions]", 11, "expected a variable name after 'for'")]
    [InlineData("[hope, fear", 12, "expected ',' or ']' to close the '[' at column 1")]
    [InlineData("hope]", 5, "found ']' with no matching '['")]
    [InlineData("'open", 1, "never closed")]
    public void StaticProblems_AreRefusedBeforeAnyDocument_NamingTheColumn(string formula, int column, string problem)
    {
        var error = ParseError(formula);

        Assert.Equal(column, error.Column);
        Assert.Contains(problem, error.Problem);
    }

    [Theory]
    [InlineData("__import__('os')")]
    [InlineData("eval('1')")]
    [InlineData("open('framework.md')")]
    [InlineData("np.load('x')")]
    [InlineData("exec('x')")]
    [InlineData("getattr(hope, 'x')")]
    [InlineData("os.system('x')")]
    public void NothingButTheFunctionTable_IsReachable(string formula)
    {
        var error = ParseError(formula);

        Assert.True(error.Problem.Contains("unknown function", StringComparison.Ordinal) || error.Problem.Contains("is not a function", StringComparison.Ordinal), error.Problem);
    }

    [Fact]
    public void AFieldTheFrameworkDeclaresButDiscernusDoesNotRecord_IsValid_AndHasNoValue()
    {
        var formula = DerivedMetricEvaluator.Parse("mean([d.scope_breadth for d in all_dimensions])", Names);

        Assert.StartsWith("it reads 'scope_breadth'", formula.NoValueReason);
        Assert.Null(formula.Evaluate(DimensionValues.Lookup(Scores)).Value);
    }

    [Fact]
    public void ATextResult_IsValid_AndHasNoValue()
    {
        var formula = DerivedMetricEvaluator.Parse("['hope', 'fear'][np.argmax([hope, fear])]", Names);

        Assert.StartsWith("it gives a text, not a number", formula.NoValueReason);
    }

    [Fact]
    public void AllDimensions_WithoutTheFrameworksDimensions_IsRefused()
    {
        var error = Assert.Throws<DerivedMetricException>(() => DerivedMetricEvaluator.Parse("sum([d.raw_score for d in all_dimensions])"));

        Assert.Contains("all_dimensions needs the framework's dimensions", error.Problem);
    }

    [Fact]
    public void ANestedComprehension_StopsAtTheStepBudget_WithAReason()
    {
        var names = FormulaNames.Of(Enumerable.Range(0, 100).Select(i => $"d{i}").ToList(), []);
        // 100 ** 4 = 100,000,000 elements: refused after FormulaEvaluation.MaxSteps steps, not computed.
        var formula = DerivedMetricEvaluator.Parse(
            "sum([a.raw_score * b.raw_score * c.raw_score * e.raw_score for a in all_dimensions for b in all_dimensions for c in all_dimensions for e in all_dimensions])",
            names);

        var result = formula.Evaluate((_, _) => 0.5);

        Assert.Null(result.Value);
        Assert.Contains("more than 1,000,000 steps", result.Reason);
    }

    [Fact]
    public void FormulaAtTheTermLimit_ParsesWithLinearMemory_AndSumsLeftToRight()
    {
        var formula = string.Join(" + ", Enumerable.Repeat("hope.raw_score", FormulaParser.MaxTerms));
        // Warm the code paths first, so the measurement is the parse alone.
        DerivedMetricEvaluator.Parse("hope + hope", Names);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var parsed = DerivedMetricEvaluator.Parse(formula, Names);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A node per term holding its text, as before, cost the sum of the prefixes: 1000² / 2 × 17 characters × 2 bytes
        // = 17 MB; offsets cost a few hundred bytes a term.
        Assert.InRange(allocated, 0, 2_000_000);
        Assert.Equal(0.8 * FormulaParser.MaxTerms, parsed.Evaluate(DimensionValues.Lookup(Scores)).Value!.Value, 6);
    }

    [Fact]
    public void FormulaOfTenThousandTerms_IsRefusedAtTheTermAfterTheLimit_WithAShortMessage()
    {
        var formula = string.Join(" + ", Enumerable.Repeat("hope.raw_score", 10_000));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var issue = Assert.Single(DerivedMetricEvaluator.Check([("long", formula)], Names));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(issue.IsError);
        Assert.Equal(FindingCodes.FormulaTooLarge, issue.Code);
        // The parser stops at term 1,001 (column 17,001), so the rest of the formula is never read.
        Assert.Contains($"at column {(17 * FormulaParser.MaxTerms) + 1:D}: the formula has more than 1,000 terms", issue.Message);
        Assert.InRange(issue.Message.Length, 0, 600);
        Assert.InRange(allocated, 0, 4_000_000);
    }

    [Fact]
    public void FormulaNestedDeeperThanTheLimit_IsRefusedAsTooLarge()
    {
        var formula = new StringBuilder().Insert(0, "abs(", 100).Append("hope").Append(')', 100).ToString();

        var issue = Assert.Single(DerivedMetricEvaluator.Check([("deep", formula)], Names));

        Assert.Equal(FindingCodes.FormulaTooLarge, issue.Code);
        Assert.Contains("nests deeper than 64 levels", issue.Message);
    }

    [Theory]
    [InlineData("[v10.1 formula]", true)]
    [InlineData("  [to be defined]  ", true)]
    [InlineData("<formula pending>", true)]
    [InlineData("TBD", true)]
    [InlineData("n/a", true)]
    [InlineData("[hope]", false)]
    [InlineData("[hope, fear][0]", false)]
    [InlineData("[d.raw_score for d in all_dimensions]", false)]
    [InlineData("['a', 'b'][np.argmax([hope, fear])]", false)]
    [InlineData("hope - fear", false)]
    public void Placeholder_IsANoteInBrackets_NotAListOrAFormula(string formula, bool placeholder)
    {
        Assert.Equal(placeholder, DerivedMetricPlaceholder.IsPlaceholder(formula));
    }
}
