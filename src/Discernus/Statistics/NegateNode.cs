namespace Discernus.Statistics;

/// <summary>Unary <c>-</c> (and <c>+</c>, which only checks that its operand is a number).</summary>
internal sealed class NegateNode(string formula, int start, int end, FormulaNode operand, bool negate)
    : FormulaNode(formula, start, end, FormulaType.Number)
{
    public FormulaNode Operand { get; } = operand;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        var operand = Numeric(Operand, context, out var v);
        return operand.Failed ? operand : Checked(negate ? -v : v);
    }
}
