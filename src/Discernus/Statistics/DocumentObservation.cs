namespace Discernus.Statistics;

/// <summary>
/// One document's values after averaging over the analyses (models × runs) that cover it, indexed like the dimension
/// and derived-metric name lists given to <see cref="StatisticsCalculator"/>. The values sit in one array (a synthesis
/// holds one observation per document, beside its analyses), with NaN for "no value": an average is never NaN, since
/// non-finite values count as missing.
/// </summary>
internal sealed class DocumentObservation
{
    private readonly int _dimensions;

    // Scores, saliences and confidences (one per dimension each), then the derived metrics.
    private readonly double[] _values;

    private DocumentObservation(IReadOnlyDictionary<string, string> metadata, int dimensions, double[] values)
    {
        Metadata = metadata;
        _dimensions = dimensions;
        _values = values;
    }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public double? Score(int dimension) => At(dimension);

    public double? Salience(int dimension) => At(_dimensions + dimension);

    public double? Confidence(int dimension) => At((2 * _dimensions) + dimension);

    public double? DerivedMetric(int metric) => At((3 * _dimensions) + metric);

    /// <summary>An observation whose values <paramref name="fill"/> sets through the given writer.</summary>
    public static DocumentObservation Create(IReadOnlyDictionary<string, string> metadata, int dimensions, int derivedMetrics, Action<Writer> fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        var values = new double[(3 * dimensions) + derivedMetrics];
        Array.Fill(values, double.NaN);
        fill(new Writer(values, dimensions));
        return new DocumentObservation(metadata, dimensions, values);
    }

    private double? At(int index) => _values[index] is var value && double.IsNaN(value) ? null : value;

    /// <summary>Sets an observation's values while it is built.</summary>
    internal readonly struct Writer(double[] values, int dimensions)
    {
        public void Score(int dimension, double? value) => Set(dimension, value);

        public void Salience(int dimension, double? value) => Set(dimensions + dimension, value);

        public void Confidence(int dimension, double? value) => Set((2 * dimensions) + dimension, value);

        public void DerivedMetric(int metric, double? value) => Set((3 * dimensions) + metric, value);

        private void Set(int index, double? value) => values[index] = value ?? double.NaN;
    }
}
