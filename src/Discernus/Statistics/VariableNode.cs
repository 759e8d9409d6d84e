namespace Discernus.Statistics;

/// <summary>A comprehension's variable (<c>dim</c> in <c>for dim in all_dimensions</c>).</summary>
internal sealed class VariableNode(string formula, int start, int end, string name, int slot, FormulaType type)
    : FormulaNode(formula, start, end, type)
{
    public string Name { get; } = name;

    public int Slot { get; } = slot;

    protected override FormulaResult EvaluateCore(FormulaContext context) => FormulaResult.Of(context.State.Slots[Slot]);
}
