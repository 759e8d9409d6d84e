using MathNet.Numerics.Distributions;
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
    /// <summary>First quartile (R's default, type 7 / linear interpolation, as pandas); null when N is 0.</summary>
    public double? Q1 { get; init; }

    /// <summary>Third quartile (type 7).</summary>
    public double? Q3 { get; init; }

    /// <summary>Interquartile range Q3 − Q1.</summary>
    public double? Iqr { get; init; }

    /// <summary>Lower end of the 95 % confidence interval of the mean (Student t, n − 1 df); null when N &lt; 2.</summary>
    public double? CiLower { get; init; }

    /// <summary>Upper end of the 95 % confidence interval of the mean.</summary>
    public double? CiUpper { get; init; }

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

        var mean = Finite.OrNull(present.Mean());
        var sd = present.Length >= 2 ? Finite.OrNull(present.StandardDeviation()) : null;
        var q1 = Finite.OrNull(present.QuantileCustom(0.25, QuantileDefinition.R7));
        var q3 = Finite.OrNull(present.QuantileCustom(0.75, QuantileDefinition.R7));
        double? halfWidth = mean is not null && sd is { } s
            ? StudentT.InvCDF(0, 1, present.Length - 1, 0.975) * s / Math.Sqrt(present.Length)
            : null;
        return new SummaryStatistics(
            present.Length,
            missing,
            mean,
            sd,
            present.Minimum(),
            present.Maximum(),
            Finite.OrNull(present.Median()))
        {
            Q1 = q1,
            Q3 = q3,
            Iqr = q3 - q1,
            CiLower = Finite.OrNull(mean - halfWidth),
            CiUpper = Finite.OrNull(mean + halfWidth),
        };
    }
}
