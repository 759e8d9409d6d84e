namespace Discernus.Calibration;

/// <summary>How well one method did in the inner cross-validation of a training set: the lower the error, the better.</summary>
/// <param name="Method">identity, linear, isotonic or ridge.</param>
/// <param name="Penalty">Ridge's best penalty on the grid (<see cref="RidgePath.Penalties"/>); null for the other methods.</param>
/// <param name="CrossValidatedMse">Mean squared error against the coders' mean over the inner folds' held-out documents.</param>
internal sealed record CalibrationCandidate(string Method, double? Penalty, double CrossValidatedMse);
