namespace Discernus.Statistics;

/// <summary>A node of a parsed derived-metric formula.</summary>
internal abstract class FormulaNode(string text)
{
    /// <summary>The part of the formula this node was parsed from, quoted in failure reasons.</summary>
    public string Text { get; } = text;

    public abstract DerivedMetricResult Evaluate(FormulaContext context);

    /// <summary>Wraps an intermediate value, turning overflow into a reason that names the sub-expression.</summary>
    protected DerivedMetricResult Checked(double value) =>
        double.IsFinite(value)
            ? DerivedMetricResult.Success(value)
            : DerivedMetricResult.Failure($"\"{Text}\" is not a finite number");
}
