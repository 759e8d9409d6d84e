namespace Discernus.Statistics;

/// <summary>A parsed derived-metric formula; immutable and safe to evaluate many times (once per document), also concurrently.</summary>
internal sealed class DerivedMetricFormula
{
    private readonly BoundFormula _bound;

    internal DerivedMetricFormula(string text, BoundFormula bound)
    {
        Text = text;
        _bound = bound;
    }

    /// <summary>The formula as written.</summary>
    public string Text { get; }

    /// <summary>Every dimension the formula reads, each once, in order of first appearance (all of them for <c>all_dimensions</c>).</summary>
    public IReadOnlyList<string> ReferencedDimensions => _bound.Dimensions;

    /// <summary>Every other derived metric the formula reads (<c>derived_metrics.&lt;name&gt;</c> or a bare name), each once.</summary>
    public IReadOnlyList<string> ReferencedDerivedMetrics => _bound.DerivedMetrics;

    /// <summary>
    /// Why the formula can never have a value although it is valid: it gives a text (a category's name), or reads a
    /// field the framework declares and Discernus does not record. Null for an ordinary formula.
    /// </summary>
    public string? NoValueReason => _bound.NoValueReason;

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
        var result = _bound.Root.Evaluate(new FormulaContext(lookup, derivedMetricLookup, new FormulaEvaluation(_bound.Slots)));
        if (result.Failed)
        {
            return DerivedMetricResult.Failure(result.Failure!);
        }

        return result.Value.IsNumeric
            ? DerivedMetricResult.Success(result.Value.Number)
            : DerivedMetricResult.Failure($"the formula gives {result.Value.Describe()}, not a number");
    }

    public override string ToString() => Text;
}
