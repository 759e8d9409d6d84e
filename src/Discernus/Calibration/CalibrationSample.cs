namespace Discernus.Calibration;

/// <summary>
/// The coded documents of one model and dimension, in a fixed order (by document id): what the model said, what the
/// coders said and, for offline models, the document's features.
/// </summary>
/// <param name="DocumentIds">The corpus manifest's document ids, distinct; they alone decide the folds.</param>
/// <param name="RawScores">The model's score per document (the mean over its runs).</param>
/// <param name="Labels">The coders' mean per document (each coder's repeated rows averaged first).</param>
/// <param name="Features">Per document the model's features (all the same length), or null when the model offers none.</param>
/// <param name="FeatureSet">What the features are (<see cref="Models.IDocumentFeatureSource.FeatureSet"/>); null without features.</param>
internal sealed record CalibrationSample(
    IReadOnlyList<string> DocumentIds,
    IReadOnlyList<double> RawScores,
    IReadOnlyList<double> Labels,
    IReadOnlyList<float[]>? Features = null,
    string? FeatureSet = null)
{
    public int Count => DocumentIds.Count;

    public bool HasFeatures => Features is not null;

    /// <summary>Checks that every list has one entry per document and the features one length.</summary>
    public void Validate()
    {
        if (RawScores.Count != Count || Labels.Count != Count || (Features is not null && Features.Count != Count))
        {
            throw new ArgumentException($"{Count} documents, {RawScores.Count} raw scores, {Labels.Count} labels and {Features?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} feature vectors: a calibration sample needs one of each per document");
        }

        if (DocumentIds.Distinct(StringComparer.Ordinal).Count() != Count)
        {
            throw new ArgumentException("a document appears twice in the calibration sample; its runs and coders must be averaged into one entry first");
        }

        if (Features is { Count: > 0 } features && features.Any(f => f.Length != features[0].Length))
        {
            throw new ArgumentException($"the feature vectors differ in length ({string.Join(", ", features.Select(f => f.Length).Distinct())}); a feature source must give every document of a framework the same number of features");
        }

        if (RawScores.Concat(Labels).Any(v => !double.IsFinite(v)) || (Features is not null && Features.Any(f => f.Any(v => !float.IsFinite(v)))))
        {
            throw new ArgumentException("a raw score, label or feature is not a finite number");
        }
    }
}
