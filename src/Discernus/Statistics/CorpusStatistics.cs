using System.Text.Json;

namespace Discernus.Statistics;

/// <summary>
/// Everything numeric the synthesis and the report say about a corpus, computed in code. The unit of analysis
/// is the document: where several models or runs analysed a document, its value is the mean of theirs
/// (<see cref="ModelBreakdown"/> shows each model separately). Values keep full precision; NaN and infinities
/// are null, so the JSON form is always valid.
/// </summary>
/// <param name="Models">Distinct model names, sorted ordinally.</param>
/// <param name="Dimensions">In framework order.</param>
/// <param name="DerivedMetrics">In framework order.</param>
/// <param name="Groups">One per grouping field, in the experiment's order.</param>
/// <param name="ModelBreakdown">One per model when more than one model is present; empty otherwise.</param>
internal sealed record CorpusStatistics(
    StatisticsCounts Counts,
    IReadOnlyList<string> Models,
    IReadOnlyList<DimensionStatistics> Dimensions,
    IReadOnlyList<MetricStatistics> DerivedMetrics,
    CorrelationMatrix Correlations,
    IReadOnlyList<GroupComparison> Groups,
    IReadOnlyList<ModelStatistics> ModelBreakdown,
    EvidenceCounts Evidence)
{
    /// <summary>What reliability filtering left out; null when the experiment sets no filtering.</summary>
    public FilteringSummary? Filtering { get; init; }

    /// <summary>Significance tests; null only in statistics written before they existed.</summary>
    public InferenceSummary? Inference { get; init; }

    /// <summary>Agreement between runs, models and human coders; null when there is nothing to compare.</summary>
    public ReliabilitySummary? Reliability { get; init; }

    /// <summary>Agreement with the gold file's coders and the validity of each dimension; null without a gold file.</summary>
    public ValiditySummary? Validity { get; init; }

    /// <summary>
    /// Every variable (dimensions, then derived metrics, in the framework's order) with the validity status the
    /// numbers on it rest on: validated, not_validated or unvalidated (<see cref="ValidityGate"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string> VariableValidity { get; init; } = new Dictionary<string, string>();

    /// <summary>The status a number on these variables rests on (the weakest of theirs).</summary>
    public string ValidityOf(params string[] variables) =>
        ValidityStatus.Combine(variables.Select(v => VariableValidity.GetValueOrDefault(v, ValidityStatus.Unvalidated)));

    /// <summary>A verdict per stated hypothesis, decided by the tests in <see cref="Inference"/>.</summary>
    public IReadOnlyList<HypothesisVerdict> Hypotheses { get; init; } = [];

    public DimensionStatistics? Dimension(string name) =>
        Dimensions.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal));

    public MetricStatistics? DerivedMetric(string name) =>
        DerivedMetrics.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal));

    public GroupComparison? Group(string field) =>
        Groups.FirstOrDefault(g => string.Equals(g.Field, field, StringComparison.Ordinal));

    /// <summary>Snake_case JSON, indented; the same statistics always give the same bytes (it is stored by hash).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, StatisticsJsonContext.Default.CorpusStatistics);

    /// <exception cref="JsonException">The text is not statistics JSON.</exception>
    public static CorpusStatistics FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, StatisticsJsonContext.Default.CorpusStatistics)
            ?? throw new JsonException("The statistics JSON is 'null'; expected an object.");
    }
}
