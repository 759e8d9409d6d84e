namespace Discernus.Calibration;

/// <summary>
/// The coders' mean of the training documents, whatever the model said: the no-information candidate. A map that
/// cannot beat it in cross-validation carries nothing the coders' average does not.
/// </summary>
internal sealed class ConstantMap(double mean) : ICalibrationMap
{
    public const string Name = "mean";

    public double Mean { get; } = ICalibrationMap.Clip(mean);

    public string Method => Name;

    public bool UsesFeatures => false;

    public double Predict(double rawScore, ReadOnlySpan<float> features) => Mean;
}
