namespace Discernus.Statistics;

/// <summary>A parsed derived-metric formula; immutable and safe to evaluate many times (once per document).</summary>
internal sealed class DerivedMetricFormula
{
    private readonly FormulaNode _root;

    internal DerivedMetricFormula(string text, FormulaNode root)
    {
        Text = text;
        _root = root;
        var dimensions = new List<string>();
        var derived = new List<string>();
        Collect(root, dimensions, derived);
        ReferencedDimensions = dimensions;
        ReferencedDerivedMetrics = derived;
    }

    /// <summary>The formula as written.</summary>
    public string Text { get; }

    /// <summary>Every dimension the formula reads, each once, in order of first appearance.</summary>
    public IReadOnlyList<string> ReferencedDimensions { get; }

    /// <summary>Every other derived metric the formula reads (<c>derived_metrics.&lt;name&gt;</c>), each once.</summary>
    public IReadOnlyList<string> ReferencedDerivedMetrics { get; }

    /// <summary>Evaluates a formula that reads only dimensions; a <c>derived_metrics.</c> reference yields a failure.</summary>
    /// <param name="lookup">(dimension, canonical field) → value; fields are raw_score, salience, confidence.</param>
    public DerivedMetricResult Evaluate(Func<string, string, double?> lookup) => Evaluate(lookup, null);

    /// <summary>Evaluates the formula; never throws for missing values, division by zero or overflow.</summary>
    /// <param name="lookup">(dimension, canonical field) → value, null when the document has none.</param>
    /// <param name="derivedMetricLookup">name → result of another derived metric, null when unknown.</param>
    public DerivedMetricResult Evaluate(
        Func<string, string, double?> lookup,
        Func<string, DerivedMetricResult?>? derivedMetricLookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        return _root.Evaluate(new FormulaContext(lookup, derivedMetricLookup));
    }

    public override string ToString() => Text;

    private static void Collect(FormulaNode node, List<string> dimensions, List<string> derived)
    {
        switch (node)
        {
            case DimensionReferenceNode reference when !dimensions.Contains(reference.Dimension):
                dimensions.Add(reference.Dimension);
                break;
            case DerivedMetricReferenceNode reference when !derived.Contains(reference.Name):
                derived.Add(reference.Name);
                break;
            case NegateNode negate:
                Collect(negate.Operand, dimensions, derived);
                break;
            case BinaryNode binary:
                Collect(binary.Left, dimensions, derived);
                Collect(binary.Right, dimensions, derived);
                break;
            case FunctionNode function:
                foreach (var argument in function.Arguments)
                {
                    Collect(argument, dimensions, derived);
                }

                break;
        }
    }
}
