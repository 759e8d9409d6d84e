using MathNet.Numerics.Statistics;

namespace Discernus.Statistics;

/// <summary>
/// The values one statistic took over the bootstrap resamples, and its percentile interval. Resamples in which the
/// statistic is undefined (e.g. a ratio whose ceiling r is not above 0) are left out of the interval.
/// </summary>
internal sealed class BootstrapDistribution
{
    private readonly List<double> values = [];

    public void Add(double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            values.Add(v);
        }
    }

    /// <summary>
    /// The point estimate with the percentile interval at <paramref name="level"/> (R's quantile type 7, as the
    /// corpus statistics); no interval for an undefined point or without defined resamples.
    /// </summary>
    public Estimate Estimate(double? point, double level = Experiments.ValiditySettings.ConfidenceLevel)
    {
        if (point is null)
        {
            return Statistics.Estimate.None;
        }

        if (values.Count == 0)
        {
            return new Estimate(point, null, null);
        }

        var tail = (1 - level) / 2;
        var sorted = values.Order().ToArray();
        return new Estimate(
            point,
            Finite.OrNull(SortedArrayStatistics.QuantileCustom(sorted, tail, QuantileDefinition.R7)),
            Finite.OrNull(SortedArrayStatistics.QuantileCustom(sorted, 1 - tail, QuantileDefinition.R7)));
    }
}
