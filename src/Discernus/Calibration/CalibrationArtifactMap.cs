using Discernus.Experiments;

namespace Discernus.Calibration;

/// <summary>
/// One model and dimension in the calibration artifact: the map fitted on all coded documents (the one uncoded and new
/// documents get), how it was chosen, and the parameters to apply it again; exactly one of <see cref="Linear"/>,
/// <see cref="Isotonic"/>, <see cref="Ridge"/> is set, none for identity.
/// </summary>
/// <param name="FeatureSet">The features the model offered (<see cref="Models.IDocumentFeatureSource.FeatureSet"/>); null for hosted models.</param>
/// <param name="Candidates">Each candidate's inner cross-validated mean squared error on all coded documents.</param>
/// <param name="OutOfFoldMse">Mean squared error of the coded documents' out-of-fold scores against the coders' mean.</param>
/// <param name="RawMse">Mean squared error of the raw scores against the coders' mean, for comparison.</param>
/// <param name="Note">Why the map is not what was asked for; null otherwise.</param>
internal sealed record CalibrationArtifactMap(
    string Model,
    string Dimension,
    string Method,
    string? FeatureSet,
    int CodedDocuments,
    int Folds,
    int Seed,
    IReadOnlyList<CalibrationCandidate> Candidates,
    double OutOfFoldMse,
    double RawMse,
    string? Note,
    LinearParameters? Linear,
    IsotonicParameters? Isotonic,
    RidgeParameters? Ridge)
{
    /// <summary>The entry of one fitted model and dimension.</summary>
    public static CalibrationArtifactMap Of(string model, string dimension, CalibrationFit fit, CalibrationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(settings);
        var sample = fit.Sample;
        var rawMse = sample.Count == 0 ? 0 : Enumerable.Range(0, sample.Count).Average(i => Math.Pow(IdentityMap.Instance.Predict(sample.RawScores[i], default) - sample.Labels[i], 2));
        return new CalibrationArtifactMap(
            model, dimension, fit.Map.Method, sample.FeatureSet, sample.Count, settings.Folds, settings.Seed, fit.Selection.Candidates,
            fit.OutOfFoldMse, rawMse, fit.Note,
            fit.Map is LinearMap linear ? new LinearParameters(linear.Intercept, linear.Slope) : null,
            fit.Map is IsotonicMap isotonic ? new IsotonicParameters(isotonic.KnotScores, isotonic.KnotValues) : null,
            fit.Map is RidgeMap ridge ? new RidgeParameters(ridge.Penalty, ridge.Intercept, ridge.Means, ridge.StandardDeviations, ridge.Weights) : null);
    }

    /// <summary>The map again, to score new documents of this model and dimension.</summary>
    public ICalibrationMap ToMap() => Method switch
    {
        CalibrationSettings.Identity => IdentityMap.Instance,
        CalibrationSettings.Linear when Linear is { } l => new LinearMap(l.Intercept, l.Slope),
        CalibrationSettings.Isotonic when Isotonic is { } i => new IsotonicMap([.. i.Scores], [.. i.Values]),
        CalibrationSettings.Ridge when Ridge is { } r => new RidgeMap(r.Penalty, r.Intercept, [.. r.Means], [.. r.StandardDeviations], [.. r.Weights]),
        _ => throw new InvalidDataException($"the calibration map of {Model} / {Dimension} names method '{Method}' without its parameters"),
    };
}
