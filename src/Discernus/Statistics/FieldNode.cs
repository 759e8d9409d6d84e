namespace Discernus.Statistics;

/// <summary>A field of a dimension held by a comprehension variable: <c>dim.raw_score</c>, <c>dim.salience</c>.</summary>
internal sealed class FieldNode(string formula, int start, int end, FormulaNode target, string field)
    : FormulaNode(formula, start, end, FormulaType.Number)
{
    public FormulaNode Target { get; } = target;

    /// <summary>A canonical field name (<see cref="DimensionValues.RawScoreField"/>, ...).</summary>
    public string Field { get; } = field;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        var target = Target.Evaluate(context);
        if (target.Failed)
        {
            return target;
        }

        return target.Value.Kind == FormulaKind.Dimension
            ? DimensionReferenceNode.Read(context, target.Value.Text!, Field)
            : FormulaResult.Fail($"\"{Target.Text}\" is {target.Value.Describe()}, not a dimension, so it has no {Field}");
    }
}
