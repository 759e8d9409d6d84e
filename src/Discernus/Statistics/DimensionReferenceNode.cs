namespace Discernus.Statistics;

/// <summary>A dimension value such as <c>dimensions.hope.salience</c>, <c>hope.salience</c> or bare <c>hope</c>.</summary>
internal sealed class DimensionReferenceNode(string formula, int start, int end, string dimension, string field)
    : FormulaNode(formula, start, end, FormulaType.Number)
{
    public string Dimension { get; } = dimension;

    /// <summary>One of <see cref="DimensionValues.RawScoreField"/>, <see cref="DimensionValues.SalienceField"/>, <see cref="DimensionValues.ConfidenceField"/>.</summary>
    public string Field { get; } = field;

    /// <summary>The reference in its long, unambiguous form, as failure reasons show it.</summary>
    public string CanonicalName => $"dimensions.{Dimension}.{Field}";

    protected override FormulaResult EvaluateCore(FormulaContext context) => Read(context, Dimension, Field);

    /// <summary>A dimension's field for the document, or why it has none.</summary>
    public static FormulaResult Read(FormulaContext context, string dimension, string field)
    {
        var value = context.DimensionLookup(dimension, field);
        if (value is not { } v)
        {
            return FormulaResult.Fail($"dimensions.{dimension}.{field} has no value");
        }

        return double.IsFinite(v)
            ? FormulaResult.Of(v)
            : FormulaResult.Fail($"dimensions.{dimension}.{field} is not a finite number");
    }
}
