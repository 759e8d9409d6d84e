namespace Discernus.Statistics;

/// <summary>Another derived metric of the same framework, written <c>derived_metrics.&lt;name&gt;</c> (real frameworks build indices in steps).</summary>
internal sealed class DerivedMetricReferenceNode(string text, string name) : FormulaNode(text)
{
    public string Name { get; } = name;

    public override DerivedMetricResult Evaluate(FormulaContext context)
    {
        if (context.DerivedMetricLookup?.Invoke(Name) is not { } result)
        {
            return DerivedMetricResult.Failure($"derived_metrics.{Name} is not a known derived metric");
        }

        return result.HasValue
            ? result
            : DerivedMetricResult.Failure($"derived_metrics.{Name} has no value ({result.Reason})");
    }
}
