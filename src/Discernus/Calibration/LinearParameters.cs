namespace Discernus.Calibration;

/// <summary>A linear map in the artifact: calibrated = clip(intercept + slope · raw score).</summary>
internal sealed record LinearParameters(double Intercept, double Slope);
