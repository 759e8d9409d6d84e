using System.Text.Json.Serialization;

namespace Discernus.Statistics;

/// <summary>
/// A two-sided 95 % confidence interval of an effect size, with the method that gave it; when the interval is
/// undefined, both ends are null and <see cref="Note"/> says why (so "n/a" is never left unexplained).
/// </summary>
/// <param name="Method">hedges_olkin_large_sample (Hedges' g), fisher_z (r) or noncentral_f_inversion (η²).</param>
/// <param name="Note">Why there is no interval; null when there is one.</param>
internal sealed record EffectSizeInterval(double? Lower, double? Upper, string Method, string? Note = null)
{
    public const double Level = 0.95;

    /// <summary>Hedges and Olkin (1985): g ± z·√((n₁ + n₂)/(n₁n₂) + g²/(2(n₁ + n₂))).</summary>
    public const string HedgesOlkin = "hedges_olkin_large_sample";

    /// <summary>tanh(atanh r ± z/√(n − 3)).</summary>
    public const string FisherZ = "fisher_z";

    /// <summary>The noncentrality λ of F inverted at 0.975 and 0.025 (Steiger 2004), η² = λ/(λ + N).</summary>
    public const string NoncentralF = "noncentral_f_inversion";

    [JsonIgnore]
    public bool IsDefined => Lower is not null && Upper is not null;
}
