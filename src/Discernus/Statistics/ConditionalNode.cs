namespace Discernus.Statistics;

/// <summary><c>then if condition else otherwise</c>: only the branch taken is evaluated, as in Python.</summary>
internal sealed class ConditionalNode(string formula, int start, int end, FormulaNode then, FormulaNode condition, FormulaNode otherwise, FormulaType type)
    : FormulaNode(formula, start, end, type)
{
    public FormulaNode Then { get; } = then;

    public FormulaNode Condition { get; } = condition;

    public FormulaNode Otherwise { get; } = otherwise;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        var condition = Condition.Evaluate(context);
        if (condition.Failed)
        {
            return condition;
        }

        return condition.Value.IsTrue ? Then.Evaluate(context) : Otherwise.Evaluate(context);
    }
}
