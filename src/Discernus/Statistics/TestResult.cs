namespace Discernus.Statistics;

/// <summary>The outcome of one significance test; every number at full precision, null where undefined.</summary>
/// <param name="Test">welch_t, mann_whitney_u, one_way_anova, kruskal_wallis, pearson or spearman.</param>
/// <param name="Statistic">t, U (of the first group), F, H, or the correlation coefficient.</param>
/// <param name="Df1">Degrees of freedom (t, χ²) or the numerator's (F); null for U.</param>
/// <param name="Df2">The denominator's degrees of freedom (F only).</param>
/// <param name="P">Two-sided p-value.</param>
/// <param name="EffectSizeName">hedges_g, eta_squared, or null.</param>
/// <param name="Method">How the p-value was obtained when there is a choice (e.g. exact, normal approximation).</param>
internal sealed record TestResult(
    string Test,
    double? Statistic,
    double? Df1,
    double? Df2,
    double? P,
    string? EffectSizeName = null,
    double? EffectSize = null,
    string? Method = null);
