namespace Discernus.Calibration;

/// <summary>
/// A fitted map from what a model produced for one dimension of one document to the coders' scale. Every prediction is
/// clipped to [0, 1], the framework's scale, whatever the map would extrapolate to.
/// </summary>
internal interface ICalibrationMap
{
    /// <summary>identity, linear, isotonic or ridge (<see cref="Experiments.CalibrationSettings"/>).</summary>
    string Method { get; }

    /// <summary>Whether <see cref="Predict"/> reads the document's features (only the ridge head does).</summary>
    bool UsesFeatures { get; }

    /// <param name="rawScore">The model's score for the dimension.</param>
    /// <param name="features">The document's features (<see cref="DocumentFeatureVector.Values"/>); ignored unless <see cref="UsesFeatures"/>.</param>
    double Predict(double rawScore, ReadOnlySpan<float> features);

    /// <summary>The value on the framework's scale: [0, 1].</summary>
    static double Clip(double value) => Math.Clamp(value, 0.0, 1.0);
}
