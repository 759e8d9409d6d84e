namespace Discernus.Statistics;

/// <summary>Keeps NaN and infinities out of statistics records (and so out of JSON and reports).</summary>
internal static class Finite
{
    public static double? OrNull(double value) => double.IsFinite(value) ? value : null;

    public static double? OrNull(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    /// <summary>The values present and finite, in order; null, NaN and infinities count as missing.</summary>
    public static IEnumerable<double> Values(IEnumerable<double?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            if (value is { } x && double.IsFinite(x))
            {
                yield return x;
            }
        }
    }
}
