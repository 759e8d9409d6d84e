namespace Discernus.Statistics;

/// <summary>Another derived metric of the same framework, written <c>derived_metrics.&lt;name&gt;</c> or by its bare name (real frameworks build indices in steps).</summary>
internal sealed class DerivedMetricReferenceNode(string formula, int start, int end, string name)
    : FormulaNode(formula, start, end, FormulaType.Number)
{
    public string Name { get; } = name;

    protected override FormulaResult EvaluateCore(FormulaContext context)
    {
        if (context.DerivedMetricLookup?.Invoke(Name) is not { } result)
        {
            return FormulaResult.Fail($"derived_metrics.{Name} is not a known derived metric");
        }

        return result.Value is { } value
            ? FormulaResult.Of(value)
            : FormulaResult.Fail($"derived_metrics.{Name} has no value ({result.Reason})");
    }
}
