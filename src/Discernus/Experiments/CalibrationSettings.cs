namespace Discernus.Experiments;

/// <summary>
/// The experiment's <c>calibration:</c> setting (or <c>run --calibrate</c>): learn, on the documents the gold file codes,
/// a map from what the model produced to the coders' scale and apply it to every document. Coded documents are scored
/// only by maps fitted without them (k-fold cross-fitting), so their agreement with the coders stays honest.
/// </summary>
/// <param name="Method">auto (chosen by inner cross-validation among identity, linear, isotonic and, for offline models,
/// ridge), or one of linear, isotonic, ridge.</param>
/// <param name="Folds">k of the k-fold cross-fitting (5).</param>
/// <param name="Seed">Seed of the fold assignment.</param>
public sealed record CalibrationSettings(
    string Method = CalibrationSettings.Auto,
    int Folds = CalibrationSettings.DefaultFolds,
    int Seed = CalibrationSettings.DefaultSeed)
{
    public const string Auto = "auto";
    public const string Identity = "identity";
    public const string Linear = "linear";
    public const string Isotonic = "isotonic";
    public const string Ridge = "ridge";
    public const int DefaultFolds = 5;
    public const int DefaultSeed = 20240601;

    /// <summary>The methods an experiment may name.</summary>
    public static readonly IReadOnlyList<string> Methods = [Auto, Linear, Isotonic, Ridge];
}
