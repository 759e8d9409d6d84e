namespace Discernus.Statistics;

/// <summary>One clause of a comprehension: <c>for</c> (Slot and Iterable) or <c>if</c> (Condition).</summary>
internal sealed record BoundClause(int Slot, FormulaNode? Iterable, FormulaNode? Condition);

/// <summary>
/// <c>[element for dim in all_dimensions if condition]</c>: the list of the element's values, clauses nested left to
/// right as in Python. The variable lives in the evaluation's slots, so the parsed formula stays immutable.
/// </summary>
internal sealed class ComprehensionNode(string formula, int start, int end, FormulaNode element, IReadOnlyList<BoundClause> clauses, FormulaType type)
    : FormulaNode(formula, start, end, type)
{
    public FormulaNode Element { get; } = element;

    public IReadOnlyList<BoundClause> Clauses { get; } = clauses;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        var values = new List<FormulaValue>();
        var failure = Run(0, context, values);
        return failure ?? FormulaResult.Of(FormulaValue.OfList(values));
    }

    private FormulaResult? Run(int clause, FormulaContext context, List<FormulaValue> values)
    {
        if (clause == Clauses.Count)
        {
            var element = Element.Evaluate(context);
            if (element.Failed)
            {
                return element;
            }

            values.Add(element.Value);
            return null;
        }

        var current = Clauses[clause];
        if (current.Condition is { } condition)
        {
            var holds = condition.Evaluate(context);
            if (holds.Failed)
            {
                return holds;
            }

            return holds.Value.IsTrue ? Run(clause + 1, context, values) : null;
        }

        var iterable = current.Iterable!.Evaluate(context);
        if (iterable.Failed)
        {
            return iterable;
        }

        if (iterable.Value.Kind != FormulaKind.List)
        {
            return FormulaResult.Fail($"\"{current.Iterable.Text}\" is {iterable.Value.Describe()}; 'for ... in' needs a list");
        }

        foreach (var item in iterable.Value.Items!)
        {
            context.State.Slots[current.Slot] = item;
            if (Run(clause + 1, context, values) is { } failure)
            {
                return failure;
            }
        }

        return null;
    }
}
