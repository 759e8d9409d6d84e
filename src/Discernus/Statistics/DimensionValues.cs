namespace Discernus.Statistics;

/// <summary>The three numbers a model gives for one dimension of one document (each 0–1, or null when absent).</summary>
internal sealed record DimensionValues(double? Score, double? Salience, double? Confidence)
{
    /// <summary>Canonical field names, as derived-metric formulas and the lookup delegate use them.</summary>
    public const string RawScoreField = "raw_score";
    public const string SalienceField = "salience";
    public const string ConfidenceField = "confidence";

    /// <summary>The value of a canonical field (<see cref="RawScoreField"/>, ...); null for an unknown field.</summary>
    public double? Get(string field) => field switch
    {
        RawScoreField => Score,
        SalienceField => Salience,
        ConfidenceField => Confidence,
        _ => null,
    };

    /// <summary>A lookup for <see cref="DerivedMetricFormula.Evaluate(Func{string, string, double?})"/> over one document's dimensions.</summary>
    public static Func<string, string, double?> Lookup(IReadOnlyDictionary<string, DimensionValues> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        return (dimension, field) => dimensions.TryGetValue(dimension, out var values) ? values.Get(field) : null;
    }
}
