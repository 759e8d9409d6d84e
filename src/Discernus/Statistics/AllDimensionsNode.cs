namespace Discernus.Statistics;

/// <summary><c>all_dimensions</c>: the framework's dimensions in their order, for comprehensions (<c>for dim in all_dimensions</c>).</summary>
internal sealed class AllDimensionsNode(string formula, int start, int end, IReadOnlyList<string> dimensions)
    : FormulaNode(formula, start, end, FormulaType.ListOf(FormulaType.Dimension))
{
    private readonly FormulaValue _value = FormulaValue.OfList(dimensions.Select(FormulaValue.OfDimension).ToArray());

    public IReadOnlyList<string> Dimensions { get; } = dimensions;

    protected override FormulaResult EvaluateCore(FormulaContext context) => FormulaResult.Of(_value);
}
