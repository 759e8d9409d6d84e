namespace Discernus.Statistics;

/// <summary>A dimension value such as <c>dimensions.hope.salience</c>, <c>hope.salience</c> or bare <c>hope</c>.</summary>
internal sealed class DimensionReferenceNode(string text, string dimension, string field) : FormulaNode(text)
{
    public string Dimension { get; } = dimension;

    /// <summary>One of <see cref="DimensionValues.RawScoreField"/>, <see cref="DimensionValues.SalienceField"/>, <see cref="DimensionValues.ConfidenceField"/>.</summary>
    public string Field { get; } = field;

    /// <summary>The reference in its long, unambiguous form, as failure reasons show it.</summary>
    public string CanonicalName => $"dimensions.{Dimension}.{Field}";

    public override DerivedMetricResult Evaluate(FormulaContext context)
    {
        var value = context.DimensionLookup(Dimension, Field);
        if (value is not { } v)
        {
            return DerivedMetricResult.Failure($"{CanonicalName} has no value");
        }

        return double.IsFinite(v)
            ? DerivedMetricResult.Success(v)
            : DerivedMetricResult.Failure($"{CanonicalName} is not a finite number");
    }
}
