using Discernus.Experiments;

namespace Discernus.Calibration;

/// <summary>
/// The supervised head for offline models: a ridge regression of the coders' mean on the model's raw score and the
/// document's features (<see cref="IDocumentFeatureSource"/>), each input standardised with the mean and standard
/// deviation of the training documents. Input 0 is the raw score, input j + 1 is feature j. The intercept is the training
/// documents' mean label, unpenalised; <see cref="Penalty"/> is α in (1/n)·Σ(y − ŷ)² + α·Σw².
/// </summary>
internal sealed class RidgeMap : ICalibrationMap
{
    private readonly double[] _means;
    private readonly double[] _scales;
    private readonly double[] _weights;

    public RidgeMap(double penalty, double intercept, double[] means, double[] scales, double[] weights)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Length == 0 || means.Length != weights.Length || scales.Length != weights.Length)
        {
            throw new ArgumentException($"{means.Length} means, {scales.Length} standard deviations and {weights.Length} weights: a ridge map needs one of each per input (the raw score first)", nameof(weights));
        }

        if (scales.Any(s => !(s > 0)))
        {
            throw new ArgumentException("every standard deviation must be positive (a constant input is given 1)", nameof(scales));
        }

        Penalty = penalty;
        Intercept = intercept;
        _means = means;
        _scales = scales;
        _weights = weights;
    }

    public double Penalty { get; }

    public double Intercept { get; }

    /// <summary>Training means of the inputs (raw score first).</summary>
    public IReadOnlyList<double> Means => _means;

    /// <summary>Training standard deviations of the inputs (raw score first); 1 for an input that did not vary.</summary>
    public IReadOnlyList<double> StandardDeviations => _scales;

    /// <summary>Weights of the standardised inputs (raw score first).</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>How many document features the map expects after the raw score.</summary>
    public int FeatureCount => _weights.Length - 1;

    public string Method => CalibrationSettings.Ridge;

    public bool UsesFeatures => true;

    public double Predict(double rawScore, ReadOnlySpan<float> features)
    {
        if (features.Length != FeatureCount)
        {
            throw new ArgumentException($"the ridge map was fitted on {FeatureCount} document features but the document has {features.Length}: the features come from another model or framework", nameof(features));
        }

        var y = Intercept + (_weights[0] * (rawScore - _means[0]) / _scales[0]);
        for (var j = 0; j < features.Length; j++)
        {
            y += _weights[j + 1] * (features[j] - _means[j + 1]) / _scales[j + 1];
        }

        return ICalibrationMap.Clip(y);
    }
}
