using System.Globalization;

namespace Discernus.Statistics;

/// <summary>One of <c>+ - * /</c> applied to two sub-expressions.</summary>
internal sealed class BinaryNode(string text, char op, FormulaNode left, FormulaNode right) : FormulaNode(text)
{
    public char Operator { get; } = op;
    public FormulaNode Left { get; } = left;
    public FormulaNode Right { get; } = right;

    public override DerivedMetricResult Evaluate(FormulaContext context)
    {
        var left = Left.Evaluate(context);
        if (left.Value is not { } a)
        {
            return left;
        }

        var right = Right.Evaluate(context);
        if (right.Value is not { } b)
        {
            return right;
        }

        switch (Operator)
        {
            case '+':
                return Checked(a + b);
            case '-':
                return Checked(a - b);
            case '*':
                return Checked(a * b);
            case '/':
                // Python Discernus frameworks guard with "+ 0.001"; without it a zero divisor is a real gap in the data.
                return b == 0
                    ? DerivedMetricResult.Failure($"division by zero: \"{Right.Text}\" is 0")
                    : Checked(a / b);
            default:
                throw new InvalidOperationException(
                    string.Create(CultureInfo.InvariantCulture, $"Unknown operator '{Operator}' in a parsed formula."));
        }
    }
}
