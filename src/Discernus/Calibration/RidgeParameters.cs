namespace Discernus.Calibration;

/// <summary>
/// A ridge head in the artifact. Inputs are the raw score (index 0) followed by the document's features in the feature
/// source's order; calibrated = clip(intercept + Σ weights[j] · (input[j] − means[j]) / standard_deviations[j]).
/// </summary>
/// <param name="Penalty">α of (1/n)·Σ(y − ŷ)² + α·Σw², chosen by inner cross-validation.</param>
internal sealed record RidgeParameters(
    double Penalty,
    double Intercept,
    IReadOnlyList<double> Means,
    IReadOnlyList<double> StandardDeviations,
    IReadOnlyList<double> Weights);
