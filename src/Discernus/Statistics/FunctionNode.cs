using System.Globalization;

namespace Discernus.Statistics;

/// <summary>A call of one of <see cref="FormulaFunctions"/>; NumPy's conventions where it has the function (np.std divides by n).</summary>
internal sealed class FunctionNode(string formula, int start, int end, string name, IReadOnlyList<FormulaNode> arguments, FormulaType type)
    : FormulaNode(formula, start, end, type)
{
    /// <summary>Canonical name: lower case, <c>np.</c> for NumPy (<c>numpy.std</c> is <c>np.std</c>).</summary>
    public string Name { get; } = name;

    public IReadOnlyList<FormulaNode> Arguments { get; } = arguments;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        var values = new FormulaValue[Arguments.Count];
        for (var i = 0; i < Arguments.Count; i++)
        {
            var argument = Arguments[i].Evaluate(context);
            if (argument.Failed)
            {
                return argument;
            }

            values[i] = argument.Value;
        }

        FormulaFunctions.TryGet(Name, out var shape);
        return shape switch
        {
            FormulaFunctions.Shape.Elementwise => Elementwise(values[0]),
            FormulaFunctions.Shape.Length => values[0].Kind switch
            {
                FormulaKind.List => FormulaResult.Of(values[0].Items!.Count),
                FormulaKind.Text => FormulaResult.Of(values[0].Text!.Length),
                _ => FormulaResult.Fail($"{Name}() needs a list; \"{Arguments[0].Text}\" is {values[0].Describe()}"),
            },
            FormulaFunctions.Shape.Correlation => Correlation(values[0], values[1]),
            _ when values.Length > 1 => Reduce(values.Select((v, i) => (v, Arguments[i])).ToArray()),
            _ when values[0].IsNumeric && shape != FormulaFunctions.Shape.Reduce => FormulaResult.Of(values[0].Number),
            _ => Numbers(values[0], Arguments[0], out var numbers) is { } failure ? failure : Reduce(numbers),
        };
    }

    private FormulaResult Elementwise(FormulaValue value)
    {
        if (value.IsNumeric)
        {
            return Apply(value.Number, Arguments[0]);
        }

        if (Numbers(value, Arguments[0], out var numbers) is { } failure)
        {
            return failure;
        }

        var results = new FormulaValue[numbers.Length];
        for (var i = 0; i < numbers.Length; i++)
        {
            var result = Apply(numbers[i], Arguments[0]);
            if (result.Failed)
            {
                return result;
            }

            results[i] = result.Value;
        }

        return FormulaResult.Of(FormulaValue.OfList(results));
    }

    private FormulaResult Apply(double x, FormulaNode argument)
    {
        if (Name.EndsWith("abs", StringComparison.Ordinal))
        {
            return FormulaResult.Of(Math.Abs(x));
        }

        return x < 0
            ? FormulaResult.Fail($"sqrt of a negative number: \"{argument.Text}\" is {x.ToString("R", CultureInfo.InvariantCulture)}")
            : Checked(Math.Sqrt(x));
    }

    /// <summary>min/max over several arguments (Python's <c>min(a, b)</c>), each a number.</summary>
    private FormulaResult Reduce((FormulaValue Value, FormulaNode Node)[] arguments)
    {
        var numbers = new double[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            if (!arguments[i].Value.IsNumeric)
            {
                return FormulaResult.Fail($"{Name}() of several values needs numbers; \"{arguments[i].Node.Text}\" is {arguments[i].Value.Describe()}");
            }

            numbers[i] = arguments[i].Value.Number;
        }

        return Reduce(numbers);
    }

    private FormulaResult Reduce(double[] x)
    {
        if (x.Length == 0 && Name is not ("sum" or "np.sum"))
        {
            // NumPy gives nan (mean, std) or raises (min, argmax): no value either way.
            return FormulaResult.Fail($"{Name}() of an empty list: \"{Arguments[0].Text}\" has no values");
        }

        switch (Name)
        {
            case "sum" or "np.sum":
                return Checked(x.Sum());
            case "min" or "np.min":
                return FormulaResult.Of(x.Min());
            case "max" or "np.max":
                return FormulaResult.Of(x.Max());
            case "mean" or "average" or "np.mean" or "np.average":
                return Checked(x.Sum() / x.Length);
            case "median" or "np.median":
                {
                    var sorted = x.Order().ToArray();
                    var middle = sorted.Length / 2;
                    return Checked(sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2);
                }

            case "std" or "np.std":
                return Checked(Math.Sqrt(Variance(x)));
            case "np.var":
                return Checked(Variance(x));
            case "np.argmax":
                return FormulaResult.Of(Array.IndexOf(x, x.Max()));
            case "np.argmin":
                return FormulaResult.Of(Array.IndexOf(x, x.Min()));
            default:
                throw new InvalidOperationException($"Unknown function '{Name}' in a parsed formula.");
        }
    }

    /// <summary>The population variance (NumPy's default, ddof = 0), from the mean in two passes.</summary>
    private static double Variance(double[] x)
    {
        var mean = x.Sum() / x.Length;
        return x.Sum(v => (v - mean) * (v - mean)) / x.Length;
    }

    private FormulaResult Correlation(FormulaValue first, FormulaValue second)
    {
        if (Numbers(first, Arguments[0], out var x) is { } notFirst)
        {
            return notFirst;
        }

        if (Numbers(second, Arguments[1], out var y) is { } notSecond)
        {
            return notSecond;
        }

        if (x.Length != y.Length || x.Length < 2)
        {
            return FormulaResult.Fail(
                $"np.corrcoef needs two lists of the same length, at least 2; \"{Arguments[0].Text}\" has {x.Length} and \"{Arguments[1].Text}\" {y.Length}");
        }

        var (mx, my) = (x.Average(), y.Average());
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        if (sxx == 0 || syy == 0)
        {
            var constant = sxx == 0 ? Arguments[0] : Arguments[1];
            return FormulaResult.Fail($"np.corrcoef: \"{constant.Text}\" does not vary, so the correlation is undefined (NumPy gives nan)");
        }

        // NumPy clips rounding errors to [-1, 1].
        var r = Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1);
        var one = FormulaValue.Of(1.0);
        return FormulaResult.Of(FormulaValue.OfList(
        [
            FormulaValue.OfList([one, FormulaValue.Of(r)]),
            FormulaValue.OfList([FormulaValue.Of(r), one]),
        ]));
    }

    /// <summary>The numbers of a list argument, or why it is not a list of numbers.</summary>
    private FormulaResult? Numbers(FormulaValue value, FormulaNode argument, out double[] numbers)
    {
        numbers = [];
        if (value.Kind != FormulaKind.List)
        {
            return FormulaResult.Fail($"{Name}() needs a list of numbers; \"{argument.Text}\" is {value.Describe()}");
        }

        var items = value.Items!;
        numbers = new double[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            if (!items[i].IsNumeric)
            {
                return FormulaResult.Fail($"{Name}() needs a list of numbers; \"{argument.Text}\" holds {items[i].Describe()}");
            }

            numbers[i] = items[i].Number;
        }

        return null;
    }
}
