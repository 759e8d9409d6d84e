namespace Discernus.Calibration;

/// <summary>An isotonic map in the artifact: its knots; between them linear interpolation, outside them the end values.</summary>
/// <param name="Scores">Raw scores of the knots, strictly increasing.</param>
/// <param name="Values">Calibrated values at the knots, non-decreasing.</param>
internal sealed record IsotonicParameters(IReadOnlyList<double> Scores, IReadOnlyList<double> Values);
