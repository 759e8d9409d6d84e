using MathNet.Numerics.Statistics;

namespace Discernus.Statistics;

/// <summary>
/// The values one statistic took over the bootstrap resamples, and its percentile interval re-centred on the estimate.
/// Resamples in which the statistic is undefined (e.g. a ratio whose ceiling r is not above 0) are left out.
/// </summary>
/// <remarks>
/// The interval is the 2.5th and 97.5th percentiles of the resamples shifted by the estimate minus their median. For a
/// statistic whose resamples centre on the estimate, as a model's r on hundreds of documents, the shift is nil and this
/// is the plain percentile interval. The human ceiling's resamples do not centre on it: in a sparse design it averages
/// correlations each computed on the dozen documents one coder shares, and every resample repeats (and, with documents
/// drawn twice, enlarges) their small-sample bias while averaging over coders narrows the spread. On synthetic data in
/// the real design (600 documents, 5 of 219 coders each) the plain percentile interval of the ceiling's CCC lay wholly
/// below the estimate, and with 200 coders on 300 documents its resamples sat three standard deviations below it, so
/// the bias-corrected (BC) percentile interval collapsed onto the largest resamples. The shift keeps the width the
/// resamples show and puts the estimate where their median was; it does not remove the estimate's own bias.
/// </remarks>
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
    /// The point estimate with the re-centred percentile interval at <paramref name="level"/> (percentiles by R's
    /// quantile type 7, as the corpus statistics), kept within the statistic's range; no interval for an undefined
    /// point or without defined resamples.
    /// </summary>
    /// <param name="lowest">The smallest value the statistic can take (−1 for a correlation, 0 for an error).</param>
    /// <param name="highest">The largest value the statistic can take (1 for a correlation or alpha).</param>
    public Estimate Estimate(
        double? point,
        double lowest = double.NegativeInfinity,
        double highest = double.PositiveInfinity,
        double level = Experiments.ValiditySettings.ConfidenceLevel)
    {
        if (point is not { } estimate)
        {
            return Statistics.Estimate.None;
        }

        if (values.Count == 0)
        {
            return new Estimate(point, null, null);
        }

        var sorted = values.Order().ToArray();
        var tail = (1 - level) / 2;
        var shift = estimate - SortedArrayStatistics.QuantileCustom(sorted, 0.5, QuantileDefinition.R7);
        double Bound(double tau) => Math.Clamp(SortedArrayStatistics.QuantileCustom(sorted, tau, QuantileDefinition.R7) + shift, lowest, highest);
        return new Estimate(point, Finite.OrNull(Bound(tail)), Finite.OrNull(Bound(1 - tail)));
    }
}
