namespace Discernus.Experiments;

/// <summary>
/// The experiment's <c>validation:</c> mapping: when a dimension counts as measuring what the human coders of the gold
/// file measure. A dimension is <c>validated</c> when at least <see cref="MinDocuments"/> coded documents exist, the
/// coders agree among themselves (ceiling r &gt; 0), the model's r with the coders' mean is credibly above 0 (the lower
/// end of its bootstrap interval) and the ratio of the model's r to the human ceiling is not credibly below
/// <see cref="MinRatio"/> (the upper end of its bootstrap interval reaches it); <c>not_validated</c> otherwise;
/// <c>unvalidated</c> without gold.
/// </summary>
/// <param name="MinRatio">Model r over the human ceiling r that counts as measuring what people measure (0.8).</param>
/// <param name="MinDocuments">Coded documents below which agreement cannot be judged (20).</param>
/// <param name="BootstrapResamples">Document-level bootstrap resamples for every interval (1,000).</param>
/// <param name="Seed">Seed of the bootstrap, so the same run gives the same intervals.</param>
public sealed record ValiditySettings(
    double MinRatio = ValiditySettings.DefaultMinRatio,
    int MinDocuments = ValiditySettings.DefaultMinDocuments,
    int BootstrapResamples = ValiditySettings.DefaultBootstrapResamples,
    int Seed = ValiditySettings.DefaultSeed)
{
    public const double DefaultMinRatio = 0.8;
    public const int DefaultMinDocuments = 20;
    public const int DefaultBootstrapResamples = 1000;
    public const int DefaultSeed = 20240601;

    /// <summary>Confidence level of every interval.</summary>
    public const double ConfidenceLevel = 0.95;
}
