namespace Discernus.Statistics;

/// <summary>
/// One document's values after averaging over the analyses (models × runs) that cover it, indexed like the dimension
/// and derived-metric name lists given to <see cref="StatisticsCalculator"/>; null for "no value" (non-finite values
/// count as missing). A document analysed more than once keeps its averages in one array, with NaN for "no value"; a
/// document analysed once (one model, one run: most corpora) reads its one analysis, whose values are their own
/// average, so a synthesis does not hold a second copy of every number (at a million documents, about 190 MB).
/// </summary>
internal sealed class DocumentObservation
{
    private readonly Names _names;

    // Scores, saliences and confidences (one per dimension each), then the derived metrics; null when read from _analysis.
    private readonly double[]? _values;
    private readonly AnalysisRecord? _analysis;

    private DocumentObservation(IReadOnlyDictionary<string, string> metadata, Names names, double[]? values, AnalysisRecord? analysis)
    {
        Metadata = metadata;
        _names = names;
        _values = values;
        _analysis = analysis;
    }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public double? Score(int dimension) =>
        _values is null ? Finite.OrNull(Values(dimension)?.Score) : At(dimension);

    public double? Salience(int dimension) =>
        _values is null ? Finite.OrNull(Values(dimension)?.Salience) : At(_names.Dimensions.Count + dimension);

    public double? Confidence(int dimension) =>
        _values is null ? Finite.OrNull(Values(dimension)?.Confidence) : At((2 * _names.Dimensions.Count) + dimension);

    public double? DerivedMetric(int metric) =>
        _values is null ? Finite.OrNull(_analysis!.DerivedMetrics.GetValueOrDefault(_names.DerivedMetrics[metric])) : At((3 * _names.Dimensions.Count) + metric);

    /// <summary>An observation whose values <paramref name="fill"/> sets through the given writer.</summary>
    public static DocumentObservation Create(IReadOnlyDictionary<string, string> metadata, Names names, Action<Writer> fill)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(fill);
        var values = new double[(3 * names.Dimensions.Count) + names.DerivedMetrics.Count];
        Array.Fill(values, double.NaN);
        fill(new Writer(values, names.Dimensions.Count));
        return new DocumentObservation(metadata, names, values, null);
    }

    /// <summary>The observation of a document analysed once: the analysis's own values, read where they are.</summary>
    public static DocumentObservation Of(AnalysisRecord analysis, Names names)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(names);
        return new DocumentObservation(analysis.Metadata, names, null, analysis);
    }

    private DimensionValues? Values(int dimension) =>
        _analysis!.Dimensions.TryGetValue(_names.Dimensions[dimension], out var values) ? values : null;

    private double? At(int index) => _values![index] is var value && double.IsNaN(value) ? null : value;

    /// <summary>The dimension and derived-metric names an observation's indexes refer to, shared by every observation.</summary>
    internal sealed record Names(IReadOnlyList<string> Dimensions, IReadOnlyList<string> DerivedMetrics);

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
