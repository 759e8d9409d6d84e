namespace Discernus.Statistics;

/// <summary>
/// The verdict on one stated hypothesis, decided in code by the computed tests (never by a model), with the numbers that
/// decided it.
/// </summary>
/// <param name="Verdict">supported, not_supported or indeterminate.</param>
/// <param name="Reason">One sentence: the rule applied and the numbers.</param>
/// <param name="Test">The deciding test's name (welch_t, one_way_anova, pearson), null when none could be run.</param>
internal sealed record HypothesisVerdict(
    string Id,
    string Description,
    string Verdict,
    string Reason,
    string? Test = null,
    double? Statistic = null,
    double? P = null,
    double? PHolm = null,
    string? EffectSizeName = null,
    double? EffectSize = null)
{
    public const string Supported = "supported";
    public const string NotSupported = "not_supported";
    public const string Indeterminate = "indeterminate";
}
