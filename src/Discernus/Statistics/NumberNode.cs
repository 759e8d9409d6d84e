namespace Discernus.Statistics;

internal sealed class NumberNode(string formula, int start, int end, double value) : FormulaNode(formula, start, end, FormulaType.Number)
{
    public double Value { get; } = value;

    protected override FormulaResult EvaluateCore(FormulaContext context) => FormulaResult.Of(Value);
}
