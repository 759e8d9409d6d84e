namespace Discernus.Statistics;

/// <summary>
/// Operators of one precedence level (<c>+ -</c> or <c>* / // %</c>) applied left to right over a list of operands:
/// the same order, and so the same floating-point result, as a left-deep tree, without its depth.
/// </summary>
internal sealed class ArithmeticNode(string formula, int start, FormulaNode first, IReadOnlyList<(string Operator, FormulaNode Operand)> rest)
    : FormulaNode(formula, start, rest[^1].Operand.End, FormulaType.Number)
{
    public FormulaNode First { get; } = first;

    public IReadOnlyList<(string Operator, FormulaNode Operand)> Rest { get; } = rest;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        var result = Numeric(First, context, out var a);
        if (result.Failed)
        {
            return result;
        }

        foreach (var (op, operand) in Rest)
        {
            var right = Numeric(operand, context, out var b);
            if (right.Failed)
            {
                return right;
            }

            if (b == 0 && op is "/" or "//" or "%")
            {
                // Python Discernus frameworks guard with "+ 0.001"; without it a zero divisor is a real gap in the data.
                return FormulaResult.Fail($"division by zero: \"{operand.Text}\" is 0");
            }

            a = op switch
            {
                "+" => a + b,
                "-" => a - b,
                "*" => a * b,
                "/" => a / b,
                "//" => Math.Floor(a / b),
                // Python's remainder takes the sign of the divisor: -1 % 3 is 2.
                "%" => a - (b * Math.Floor(a / b)),
                _ => throw new InvalidOperationException($"Unknown operator '{op}' in a parsed formula."),
            };
            if (!double.IsFinite(a))
            {
                return Checked(a, Excerpt(Formula, Start, operand.End));
            }
        }

        return FormulaResult.Of(a);
    }
}
