namespace Discernus.Statistics;

internal sealed class NotNode(string formula, int start, int end, FormulaNode operand) : FormulaNode(formula, start, end, FormulaType.Boolean)
{
    public FormulaNode Operand { get; } = operand;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        var operand = Operand.Evaluate(context);
        return operand.Failed ? operand : FormulaResult.Of(FormulaValue.Of(!operand.Value.IsTrue));
    }
}
