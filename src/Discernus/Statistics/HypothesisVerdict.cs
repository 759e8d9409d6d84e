namespace Discernus.Statistics;

/// <summary>
/// The verdict on one stated hypothesis, decided in code by its confirmatory test (never by a model), with the numbers
/// that decided it and the rule that turned them into the verdict.
/// </summary>
/// <param name="Verdict">supported, not_supported or indeterminate.</param>
/// <param name="Reason">One sentence: what the numbers showed under <see cref="DecisionRule"/>.</param>
internal sealed record HypothesisVerdict(
    string Id,
    string Description,
    string Verdict,
    string Reason)
{
    public const string Supported = "supported";
    public const string NotSupported = "not_supported";
    public const string Indeterminate = "indeterminate";

    /// <summary>
    /// The validity status the verdict rests on (see <see cref="ValidityGate"/>); a verdict on a not-validated variable is
    /// indeterminate, and <see cref="TestVerdict"/> keeps what the test alone said.
    /// </summary>
    public string? Validity { get; init; }

    /// <summary>The verdict the test alone gave, when the validity gate left the hypothesis undecided; null otherwise.</summary>
    public string? TestVerdict { get; init; }

    /// <summary>How the verdict follows from the numbers, in words; null for a hypothesis stated in prose only.</summary>
    public string? DecisionRule { get; init; }

    /// <summary>The deciding test (welch_t, one_way_anova, pearson); null when none could be run.</summary>
    public string? Test { get; init; }

    /// <summary>two_sided, greater or less: the direction the hypothesis states, which <see cref="P"/> is the p-value of.</summary>
    public string? Alternative { get; init; }

    public double? Statistic { get; init; }

    /// <summary>Degrees of freedom of t or r, or the numerator's of F.</summary>
    public double? Df1 { get; init; }

    /// <summary>The denominator's degrees of freedom (F only).</summary>
    public double? Df2 { get; init; }

    /// <summary>The unadjusted p-value of the test as stated (one-sided for a directional hypothesis).</summary>
    public double? P { get; init; }

    /// <summary>Holm-adjusted across the hypotheses of the run only (<see cref="HolmFamilySize"/> of them).</summary>
    public double? PHolm { get; init; }

    /// <summary>k: how many hypotheses' tests the Holm correction ran across.</summary>
    public int HolmFamilySize { get; init; }

    /// <summary>hedges_g, eta_squared or r.</summary>
    public string? EffectSizeName { get; init; }

    public double? EffectSize { get; init; }

    /// <summary>The effect size's 95 % interval and its method, or why there is none.</summary>
    public EffectSizeInterval? EffectSizeCi { get; init; }
}
