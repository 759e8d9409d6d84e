namespace Discernus.Calibration;

/// <summary>The method (and ridge's penalty) chosen for one training set, and every candidate's inner cross-validated error.</summary>
/// <param name="Candidates">In the order identity, linear, isotonic, ridge; empty when a named method needed no selection.</param>
internal sealed record CalibrationSelection(string Method, double? Penalty, IReadOnlyList<CalibrationCandidate> Candidates);
