namespace Discernus.Calibration;

/// <summary>The cross-fitted calibration of one model and dimension.</summary>
/// <param name="Sample">The coded documents it was fitted on.</param>
/// <param name="Folds">Each coded document's outer fold (in the sample's order).</param>
/// <param name="FoldMaps">Per outer fold, the map fitted (with its own inner selection) without that fold's documents.</param>
/// <param name="OutOfFold">Per coded document, its score from the map of its fold: a map that never saw its label.</param>
/// <param name="Selection">The choice made by inner cross-validation on all coded documents, with every candidate's error.</param>
/// <param name="Map">The map fitted on all coded documents, for every document the coders did not code.</param>
/// <param name="OutOfFoldMse">Mean squared error of <paramref name="OutOfFold"/> against the coders' mean: an honest estimate of the whole procedure's error.</param>
/// <param name="Note">Why the map is not what was asked for (ridge without features, too few coded documents); null otherwise.</param>
internal sealed record CalibrationFit(
    CalibrationSample Sample,
    int[] Folds,
    IReadOnlyList<ICalibrationMap> FoldMaps,
    double[] OutOfFold,
    CalibrationSelection Selection,
    ICalibrationMap Map,
    double OutOfFoldMse,
    string? Note)
{
    /// <summary>The map that scores coded document <paramref name="index"/> (of the sample): its fold's.</summary>
    public ICalibrationMap MapOf(int index) => FoldMaps[Folds[index]];
}
