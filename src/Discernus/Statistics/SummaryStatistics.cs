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

    /// <summary>
    /// Below this many values there is no interval: with n = 2 the t quantile is 12.71, and the "interval" of two scores
    /// on a 0–1 scale spans several units, a number that only looks like a result.
    /// </summary>
    public const int MinimumForInterval = 3;

    /// <summary>The scale of dimension scores: an interval of their mean is clipped to it.</summary>
    public static readonly (double Lower, double Upper) ScoreScale = (0, 1);

    /// <summary>
    /// Lower end of the 95 % confidence interval of the mean (Student t, n − 1 df), clipped to the variable's scale when
    /// it has one; null when N &lt; <see cref="MinimumForInterval"/>.
    /// </summary>
    public double? CiLower { get; init; }

    /// <summary>Upper end of the 95 % confidence interval of the mean.</summary>
    public double? CiUpper { get; init; }

    /// <summary>True when the t-interval reached past the bounded scale and was cut at its end (0 or 1).</summary>
    public bool CiClipped { get; init; }

    /// <summary>Why there is no interval, e.g. "n too small for a CI (n = 2)"; null when there is one or nothing was measured.</summary>
    public string? CiNote { get; init; }

    /// <summary>Summarises <paramref name="values"/>; null and non-finite entries count as missing.</summary>
    /// <param name="bounds">The scale the values cannot leave (dimension scores: <see cref="ScoreScale"/>); null for an
    /// unbounded variable such as a derived metric. A t-interval is symmetric and knows nothing of the scale, so near its
    /// ends it would claim impossible means. Clipping loses no coverage (the true mean lies in the scale, so it is in the
    /// clipped interval whenever it is in the t-interval), and <see cref="CiClipped"/> says it happened.</param>
    public static SummaryStatistics From(IEnumerable<double?> values, (double Lower, double Upper)? bounds = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        // One array of the present values, sorted once for the order statistics: at 100,000 documents each copy is a
        // large-object allocation, and a synthesis summarises dozens of variables and groups.
        var (present, missing) = Present(values);
        if (present.Length == 0)
        {
            return new SummaryStatistics(0, missing, null, null, null, null, null);
        }

        // Mean and SD before sorting: their sums run in the documents' order, as they always have.
        var mean = Finite.OrNull(ArrayStatistics.Mean(present));
        var sd = present.Length >= 2 ? Finite.OrNull(ArrayStatistics.StandardDeviation(present)) : null;
        var (min, max) = (ArrayStatistics.Minimum(present), ArrayStatistics.Maximum(present));
        Array.Sort(present);
        var q1 = Finite.OrNull(SortedArrayStatistics.QuantileCustom(present, 0.25, QuantileDefinition.R7));
        var q3 = Finite.OrNull(SortedArrayStatistics.QuantileCustom(present, 0.75, QuantileDefinition.R7));
        var median = Finite.OrNull(SortedArrayStatistics.Median(present));
        double? halfWidth = mean is not null && sd is { } s && present.Length >= MinimumForInterval
            ? StudentT.InvCDF(0, 1, present.Length - 1, 0.975) * s / Math.Sqrt(present.Length)
            : null;
        var (lower, upper) = (Finite.OrNull(mean - halfWidth), Finite.OrNull(mean + halfWidth));
        var clipped = false;
        if (bounds is { } scale && lower is { } low && upper is { } high)
        {
            clipped = low < scale.Lower || high > scale.Upper;
            (lower, upper) = (Math.Max(low, scale.Lower), Math.Min(high, scale.Upper));
        }

        return new SummaryStatistics(
            present.Length,
            missing,
            mean,
            sd,
            min,
            max,
            median)
        {
            Q1 = q1,
            Q3 = q3,
            Iqr = q3 - q1,
            CiLower = lower,
            CiUpper = upper,
            CiClipped = clipped,
            CiNote = present.Length < MinimumForInterval
                ? $"n too small for a CI (n = {present.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)})"
                : null,
        };
    }

    private static (double[] Present, int Missing) Present(IEnumerable<double?> values)
    {
        if (!values.TryGetNonEnumeratedCount(out var count))
        {
            var all = values.ToArray();
            return Present(all);
        }

        // Filled in place; copied only when some values are missing.
        var present = new double[count];
        var (length, missing) = (0, 0);
        foreach (var value in values)
        {
            if (value is { } x && double.IsFinite(x))
            {
                present[length++] = x;
            }
            else
            {
                missing++;
            }
        }

        if (length != present.Length)
        {
            Array.Resize(ref present, length);
        }

        return (present, missing);
    }
}
