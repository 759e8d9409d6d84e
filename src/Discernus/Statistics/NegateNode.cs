namespace Discernus.Statistics;

internal sealed class NegateNode(string text, FormulaNode operand) : FormulaNode(text)
{
    public FormulaNode Operand { get; } = operand;

    public override DerivedMetricResult Evaluate(FormulaContext context)
    {
        var operand = Operand.Evaluate(context);
        return operand.Value is { } v ? Checked(-v) : operand;
    }
}
