namespace Discernus.Statistics;

/// <summary>Comparisons, chained as in Python (<c>0.2 &lt; x &lt;= 0.8</c>); <c>==</c> and <c>!=</c> also compare texts.</summary>
internal sealed class CompareNode(string formula, int start, FormulaNode first, IReadOnlyList<(string Operator, FormulaNode Operand)> rest)
    : FormulaNode(formula, start, rest[^1].Operand.End, FormulaType.Boolean)
{
    public FormulaNode First { get; } = first;

    public IReadOnlyList<(string Operator, FormulaNode Operand)> Rest { get; } = rest;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        var left = First.Evaluate(context);
        if (left.Failed)
        {
            return left;
        }

        var leftNode = First;
        foreach (var (op, operand) in Rest)
        {
            var right = operand.Evaluate(context);
            if (right.Failed)
            {
                return right;
            }

            bool holds;
            if (op is "==" or "!=")
            {
                var equal = left.Value.IsNumeric && right.Value.IsNumeric
                    ? left.Value.Number == right.Value.Number
                    : left.Value.Kind == right.Value.Kind && left.Value.Kind is FormulaKind.Text or FormulaKind.Dimension && left.Value.Text == right.Value.Text;
                holds = op == "==" ? equal : !equal;
            }
            else
            {
                foreach (var (node, value) in new[] { (leftNode, left.Value), (operand, right.Value) })
                {
                    if (!value.IsNumeric)
                    {
                        return FormulaResult.Fail($"\"{node.Text}\" is {value.Describe()}; {op} compares numbers");
                    }
                }

                var (a, b) = (left.Value.Number, right.Value.Number);
                holds = op switch
                {
                    "<" => a < b,
                    "<=" => a <= b,
                    ">" => a > b,
                    ">=" => a >= b,
                    _ => throw new InvalidOperationException($"Unknown comparison '{op}' in a parsed formula."),
                };
            }

            if (!holds)
            {
                return FormulaResult.Of(FormulaValue.Of(false));
            }

            (left, leftNode) = (right, operand);
        }

        return FormulaResult.Of(FormulaValue.Of(true));
    }
}
