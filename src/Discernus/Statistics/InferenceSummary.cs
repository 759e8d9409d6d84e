namespace Discernus.Statistics;

/// <summary>
/// Significance tests over the documents (each document one observation, its models and runs averaged): correlations
/// between dimensions and group comparisons, with Holm-adjusted p-values across every test of the run.
/// </summary>
/// <param name="DescriptiveOnly">True below <see cref="InferenceCalculator.MinimumDocuments"/> documents: no test is run.</param>
/// <param name="Note">Why the inference is limited, in one sentence; null when it is not.</param>
/// <param name="GroupingSource">experiment (its <c>grouping</c>), automatic (manifest fields with 2–10 groups of n ≥ 2) or none.</param>
/// <param name="HolmFamilySize">Number of p-values the Holm correction was applied across.</param>
internal sealed record InferenceSummary(
    bool DescriptiveOnly,
    string? Note,
    int Documents,
    IReadOnlyList<string> GroupingFields,
    string GroupingSource,
    int HolmFamilySize,
    IReadOnlyList<CorrelationTestResult> Correlations,
    IReadOnlyList<GroupTestResult> GroupTests);

/// <summary>Pearson and Spearman correlation of two dimensions' scores, over the documents that have both.</summary>
internal sealed record CorrelationTestResult(
    string First,
    string Second,
    int N,
    TestResult Pearson,
    TestResult Spearman,
    double? PearsonPHolm,
    double? SpearmanPHolm)
{
    /// <summary>The hypothesis this test was added for (a pair involving a derived metric); null for the dimension pairs.</summary>
    public string? Hypothesis { get; init; }
}

/// <summary>One test of one variable across the groups of one field.</summary>
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
    /// <summary>The hypothesis this test was added for (a subset of the groups); null for the tests of every grouping field.</summary>
    public string? Hypothesis { get; init; }
}
