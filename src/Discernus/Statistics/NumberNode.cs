namespace Discernus.Statistics;

internal sealed class NumberNode(string text, double value) : FormulaNode(text)
{
    public double Value { get; } = value;

    public override DerivedMetricResult Evaluate(FormulaContext context) => DerivedMetricResult.Success(Value);
}
