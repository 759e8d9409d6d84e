namespace Discernus.Statistics;

/// <summary>Keeps NaN and infinities out of statistics records (and so out of JSON and reports).</summary>
internal static class Finite
{
    public static double? OrNull(double value) => double.IsFinite(value) ? value : null;

    public static double? OrNull(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
