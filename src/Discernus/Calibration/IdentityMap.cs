using Discernus.Experiments;

namespace Discernus.Calibration;

/// <summary>The raw score as it is (clipped to [0, 1]): the candidate every fitted map has to beat.</summary>
internal sealed class IdentityMap : ICalibrationMap
{
    public static readonly IdentityMap Instance = new();

    private IdentityMap()
    {
    }

    public string Method => CalibrationSettings.Identity;

    public bool UsesFeatures => false;

    public double Predict(double rawScore, ReadOnlySpan<float> features) => ICalibrationMap.Clip(rawScore);
}
