using System.Globalization;

namespace Discernus.Statistics;

/// <summary>
/// <c>list[i]</c> (a negative i counts from the end, as in Python) or <c>matrix[i, j]</c> (NumPy's index, as in
/// <c>np.corrcoef(x, y)[0, 1]</c>).
/// </summary>
internal sealed class IndexNode(string formula, int start, int end, FormulaNode target, IReadOnlyList<FormulaNode> indices, FormulaType type)
    : FormulaNode(formula, start, end, type)
{
    public FormulaNode Target { get; } = target;

    public IReadOnlyList<FormulaNode> Indices { get; } = indices;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        var current = Target.Evaluate(context);
        if (current.Failed)
        {
            return current;
        }

        foreach (var index in Indices)
        {
            if (current.Value.Kind != FormulaKind.List)
            {
                return FormulaResult.Fail($"\"{Text}\" indexes {current.Value.Describe()}, which is not a list");
            }

            var position = Numeric(index, context, out var i);
            if (position.Failed)
            {
                return position;
            }

            var items = current.Value.Items!;
            if (i != Math.Floor(i))
            {
                return FormulaResult.Fail($"the index \"{index.Text}\" is {i.ToString("R", CultureInfo.InvariantCulture)}, not a whole number");
            }

            var at = i < 0 ? items.Count + i : i;
            if (at < 0 || at >= items.Count)
            {
                return FormulaResult.Fail(
                    $"the index \"{index.Text}\" is {i.ToString("R", CultureInfo.InvariantCulture)}, outside a list of {items.Count} value(s)");
            }

            current = FormulaResult.Of(items[(int)at]);
        }

        return current;
    }
}
