namespace Discernus.Statistics;

/// <summary>
/// Significance tests over the documents (each document one observation, its models and runs averaged), in two Holm
/// families: the exploratory tests every run makes (correlations between dimensions, group comparisons by every grouping
/// field) and the confirmatory tests of the stated hypotheses, one per hypothesis with a <c>test:</c>.
/// </summary>
/// <param name="DescriptiveOnly">True below <see cref="InferenceCalculator.MinimumDocuments"/> documents: no test is run.</param>
/// <param name="Note">Why the inference is limited, in one sentence; null when it is not.</param>
/// <param name="GroupingSource">experiment (its <c>grouping</c>), automatic (manifest fields with 2–10 groups of n ≥ 2) or none.</param>
/// <param name="ExploratoryFamilySize">Number of p-values of <see cref="Correlations"/> and <see cref="GroupTests"/> the
/// exploratory Holm correction was applied across.</param>
internal sealed record InferenceSummary(
    bool DescriptiveOnly,
    string? Note,
    int Documents,
    IReadOnlyList<string> GroupingFields,
    string GroupingSource,
    int ExploratoryFamilySize,
    IReadOnlyList<CorrelationTestResult> Correlations,
    IReadOnlyList<GroupTestResult> GroupTests)
{
    /// <summary>The deciding test of each stated hypothesis that could be computed, in the experiment's order.</summary>
    public IReadOnlyList<ConfirmatoryTestResult> Confirmatory { get; init; } = [];

    /// <summary>Number of hypotheses' p-values the confirmatory Holm correction was applied across (k).</summary>
    public int ConfirmatoryFamilySize { get; init; }
}

/// <summary>Pearson and Spearman correlation of two dimensions' scores, over the documents that have both (exploratory, two-sided).</summary>
internal sealed record CorrelationTestResult(
    string First,
    string Second,
    int N,
    TestResult Pearson,
    TestResult Spearman,
    double? PearsonPHolm,
    double? SpearmanPHolm)
{
    /// <summary>The validity status the correlation rests on (the weaker of its two variables'; see <see cref="ValidityGate"/>).</summary>
    public string? Validity { get; init; }
}

/// <summary>One exploratory test of one variable across the groups of one field (two-sided).</summary>
/// <param name="Kind">dimension or derived_metric.</param>
/// <param name="Groups">The group values tested (groups with at least two documents with a value), sorted.</param>
/// <param name="Means">The mean of each tested group, in the order of <see cref="Groups"/>.</param>
internal sealed record GroupTestResult(
    string Field,
    string Variable,
    string Kind,
    IReadOnlyList<string> Groups,
    IReadOnlyList<int> GroupSizes,
    IReadOnlyList<double?> Means,
    TestResult Test,
    double? PHolm)
{
    /// <summary>The validity status of the variable tested (see <see cref="ValidityGate"/>).</summary>
    public string? Validity { get; init; }
}
