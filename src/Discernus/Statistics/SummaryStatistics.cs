using MathNet.Numerics.Statistics;

namespace Discernus.Statistics;

/// <summary>Descriptive statistics of one variable. Full precision; rounding happens only when formatting.</summary>
/// <param name="N">Number of values present.</param>
/// <param name="Missing">Number of observations without a value.</param>
/// <param name="Mean">Null when N is 0.</param>
/// <param name="Sd">Sample standard deviation (n − 1); null when N &lt; 2.</param>
internal sealed record SummaryStatistics(
    int N,
    int Missing,
    double? Mean,
    double? Sd,
    double? Min,
    double? Max,
    double? Median)
{
    /// <summary>Summarises <paramref name="values"/>; null and non-finite entries count as missing.</summary>
    public static SummaryStatistics From(IEnumerable<double?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var all = values.ToList();
        var present = all.Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToArray();
        var missing = all.Count - present.Length;
        if (present.Length == 0)
        {
            return new SummaryStatistics(0, missing, null, null, null, null, null);
        }

        return new SummaryStatistics(
            present.Length,
            missing,
            Finite.OrNull(present.Mean()),
            present.Length >= 2 ? Finite.OrNull(present.StandardDeviation()) : null,
            present.Minimum(),
            present.Maximum(),
            Finite.OrNull(present.Median()));
    }
}
