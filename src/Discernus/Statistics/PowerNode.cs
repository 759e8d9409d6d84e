using System.Globalization;

namespace Discernus.Statistics;

/// <summary><c>base ** exponent</c>, as Python computes it for real numbers.</summary>
internal sealed class PowerNode(string formula, int start, int end, FormulaNode baseNode, FormulaNode exponent)
    : FormulaNode(formula, start, end, FormulaType.Number)
{
    public FormulaNode Base { get; } = baseNode;

    public FormulaNode Exponent { get; } = exponent;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        var left = Numeric(Base, context, out var a);
        if (left.Failed)
        {
            return left;
        }

        var right = Numeric(Exponent, context, out var b);
        if (right.Failed)
        {
            return right;
        }

        if (a == 0 && b < 0)
        {
            return FormulaResult.Fail($"division by zero: \"{Base.Text}\" is 0 and the exponent is negative");
        }

        if (a < 0 && b != Math.Floor(b))
        {
            // Python answers with a complex number; a score has none.
            return FormulaResult.Fail(
                $"\"{Text}\" is not a real number: \"{Base.Text}\" is {a.ToString("R", CultureInfo.InvariantCulture)} and the exponent is not a whole number");
        }

        return Checked(Math.Pow(a, b));
    }
}
