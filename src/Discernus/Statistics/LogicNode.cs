namespace Discernus.Statistics;

/// <summary><c>and</c> / <c>or</c>, short-circuited as in Python, giving true or false.</summary>
internal sealed class LogicNode(string formula, int start, int end, bool isAnd, IReadOnlyList<FormulaNode> operands)
    : FormulaNode(formula, start, end, FormulaType.Boolean)
{
    public IReadOnlyList<FormulaNode> Operands { get; } = operands;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        foreach (var operand in Operands)
        {
            var result = operand.Evaluate(context);
            if (result.Failed)
            {
                return result;
            }

            // and stops at the first false operand, or at the first true one.
            if (result.Value.IsTrue != isAnd)
            {
                return FormulaResult.Of(FormulaValue.Of(!isAnd));
            }
        }

        return FormulaResult.Of(FormulaValue.Of(isAnd));
    }
}
