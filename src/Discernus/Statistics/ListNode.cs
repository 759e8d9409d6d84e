namespace Discernus.Statistics;

/// <summary>A list written out: <c>[a.salience, b.salience]</c> or <c>['populism', 'pluralism']</c>.</summary>
internal sealed class ListNode(string formula, int start, int end, IReadOnlyList<FormulaNode> items, FormulaType type)
    : FormulaNode(formula, start, end, type)
{
    public IReadOnlyList<FormulaNode> Items { get; } = items;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        var values = new FormulaValue[Items.Count];
        for (var i = 0; i < Items.Count; i++)
        {
            var item = Items[i].Evaluate(context);
            if (item.Failed)
            {
                return item;
            }

            values[i] = item.Value;
        }

        return FormulaResult.Of(FormulaValue.OfList(values));
    }
}
