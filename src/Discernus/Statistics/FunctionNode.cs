using System.Globalization;

namespace Discernus.Statistics;

/// <summary>A call of one of the built-in functions: abs, sqrt (one argument), min, max (one or more).</summary>
internal sealed class FunctionNode(string text, string name, IReadOnlyList<FormulaNode> arguments) : FormulaNode(text)
{
    /// <summary>Lower-case function name.</summary>
    public string Name { get; } = name;

    public IReadOnlyList<FormulaNode> Arguments { get; } = arguments;

    public override DerivedMetricResult Evaluate(FormulaContext context)
    {
        var values = new double[Arguments.Count];
        for (var i = 0; i < Arguments.Count; i++)
        {
            var argument = Arguments[i].Evaluate(context);
            if (argument.Value is not { } v)
            {
                return argument;
            }

            values[i] = v;
        }

        switch (Name)
        {
            case "abs":
                return Checked(Math.Abs(values[0]));
            case "sqrt":
                return values[0] < 0
                    ? DerivedMetricResult.Failure(
                        $"sqrt of a negative number: \"{Arguments[0].Text}\" is {values[0].ToString("R", CultureInfo.InvariantCulture)}")
                    : Checked(Math.Sqrt(values[0]));
            case "min":
                return Checked(values.Min());
            case "max":
                return Checked(values.Max());
            default:
                throw new InvalidOperationException($"Unknown function '{Name}' in a parsed formula.");
        }
    }
}
