namespace Discernus.Statistics;

/// <summary>The test that decides one stated hypothesis, on exactly the groups or the pair it names.</summary>
/// <param name="By">The grouping field of a group comparison; null for a correlation.</param>
/// <param name="CorrelatesWith">The second variable of a correlation; null for a group comparison.</param>
/// <param name="Groups">The groups compared, in the hypothesis's order when it names them (the first is the one expected
/// higher or lower), sorted otherwise; empty for a correlation.</param>
/// <param name="N">Documents in the test: the groups' total, or the pairs of a correlation.</param>
/// <param name="Test">welch_t, one_way_anova or pearson, with its <see cref="TestResult.Alternative"/> and effect size interval.</param>
/// <param name="PHolm">Holm-adjusted within the hypotheses (<see cref="InferenceSummary.ConfirmatoryFamilySize"/>).</param>
internal sealed record ConfirmatoryTestResult(
    string Hypothesis,
    string Variable,
    string? By,
    string? CorrelatesWith,
    IReadOnlyList<string> Groups,
    IReadOnlyList<int> GroupSizes,
    IReadOnlyList<double?> Means,
    int N,
    TestResult Test,
    double? PHolm)
{
    /// <summary>The validity status the test rests on (see <see cref="ValidityGate"/>).</summary>
    public string? Validity { get; init; }
}
