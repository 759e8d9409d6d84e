namespace Discernus.Statistics;

/// <summary>The outcome of one significance test; every number at full precision, null where undefined.</summary>
/// <param name="Test">welch_t, mann_whitney_u, one_way_anova, kruskal_wallis, pearson or spearman.</param>
/// <param name="Statistic">t, U (of the first group), F, H, or the correlation coefficient.</param>
/// <param name="Df1">Degrees of freedom (t, χ²) or the numerator's (F); null for U.</param>
/// <param name="Df2">The denominator's degrees of freedom (F only).</param>
/// <param name="P">The p-value of the test's <see cref="Alternative"/> (two-sided unless a hypothesis states a direction).</param>
/// <param name="EffectSizeName">hedges_g, eta_squared, r, or null.</param>
/// <param name="Method">How the p-value was obtained when there is a choice (e.g. exact, normal approximation).</param>
internal sealed record TestResult(
    string Test,
    double? Statistic,
    double? Df1,
    double? Df2,
    double? P,
    string? EffectSizeName = null,
    double? EffectSize = null,
    string? Method = null)
{
    /// <summary>The alternative hypothesis: μ₁ ≠ μ₂ (or ρ ≠ 0).</summary>
    public const string TwoSided = "two_sided";

    /// <summary>μ₁ &gt; μ₂, or ρ &gt; 0 (SciPy's <c>alternative="greater"</c>, R's <c>"greater"</c>).</summary>
    public const string Greater = "greater";

    /// <summary>μ₁ &lt; μ₂, or ρ &lt; 0.</summary>
    public const string Less = "less";

    /// <summary>two_sided, greater or less (as SciPy and R name them); what <see cref="P"/> is the p-value of.</summary>
    public string Alternative { get; init; } = TwoSided;

    /// <summary>The 95 % interval of <see cref="EffectSize"/>; null when the test has no effect size.</summary>
    public EffectSizeInterval? EffectSizeCi { get; init; }
}
