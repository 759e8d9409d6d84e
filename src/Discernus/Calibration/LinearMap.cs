using Discernus.Experiments;

namespace Discernus.Calibration;

/// <summary>Ordinary least squares y = a + b·x from the raw score to the coders' mean: fixes a model's offset and scale.</summary>
internal sealed record LinearMap(double Intercept, double Slope) : ICalibrationMap
{
    public string Method => CalibrationSettings.Linear;

    public bool UsesFeatures => false;

    public double Predict(double rawScore, ReadOnlySpan<float> features) => ICalibrationMap.Clip(Intercept + (Slope * rawScore));

    /// <summary>
    /// The least-squares line through the points; when every x is the same the slope is 0 and the line is the mean of y
    /// (the raw score then says nothing about the label).
    /// </summary>
    public static LinearMap Fit(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length || x.Length == 0)
        {
            throw new ArgumentException($"{x.Length} scores and {y.Length} labels: a linear map needs at least one pair", nameof(y));
        }

        double meanX = 0, meanY = 0;
        for (var i = 0; i < x.Length; i++)
        {
            meanX += x[i];
            meanY += y[i];
        }

        meanX /= x.Length;
        meanY /= x.Length;
        double sxx = 0, sxy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxx += (x[i] - meanX) * (x[i] - meanX);
            sxy += (x[i] - meanX) * (y[i] - meanY);
        }

        // Relative to the spread of x, not absolute: scores are on [0, 1], so 1e-12 of n is "no spread at all".
        var slope = sxx <= 1e-12 * x.Length ? 0 : sxy / sxx;
        return new LinearMap(meanY - (slope * meanX), slope);
    }
}
