namespace Discernus.Statistics;

/// <summary>A text (<c>'tribal_domination'</c>) or <c>True</c>/<c>False</c> written in the formula.</summary>
internal sealed class ConstantNode(string formula, int start, int end, FormulaValue value, FormulaType type) : FormulaNode(formula, start, end, type)
{
    public FormulaValue Value { get; } = value;

    protected override FormulaResult EvaluateCore(FormulaContext context) => FormulaResult.Of(Value);
}
