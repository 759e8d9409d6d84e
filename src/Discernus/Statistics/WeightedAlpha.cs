namespace Discernus.Statistics;

/// <summary>
/// Krippendorff's alpha (interval) of a set of units, as they are or under a bootstrap resample given as how often
/// each unit was drawn (see <see cref="WeightedPairs"/>). Each unit keeps only its count, sum and sum of squares, since
/// both disagreements are sums of Σ_{i≠j} (v_i − v_j)² = 2 (m Σv² − (Σv)²): a resample costs one pass over the units.
/// </summary>
internal sealed class WeightedAlpha
{
    private readonly IReadOnlyList<double>[] values;
    private readonly int[] units;
    private readonly int[] counts;
    private readonly double[] sums;
    private readonly double[] squares;

    /// <param name="units">Unit index (into the draw counts) and the values the coders gave it; units with fewer than two values are not pairable and are left out.</param>
    public WeightedAlpha(IEnumerable<(int Unit, IReadOnlyList<double> Values)> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var pairable = units.Where(u => u.Values.Count >= 2).ToList();
        values = pairable.Select(u => u.Values).ToArray();
        this.units = pairable.Select(u => u.Unit).ToArray();
        counts = values.Select(v => v.Count).ToArray();
        sums = values.Select(v => v.Sum()).ToArray();
        squares = values.Select(v => v.Sum(s => s * s)).ToArray();
    }

    /// <summary>The point estimate, with <see cref="AgreementStatistics.KrippendorffAlphaInterval"/>.</summary>
    public double? Measure() => AgreementStatistics.KrippendorffAlphaInterval(values);

    /// <summary>Alpha of the repeated sample; the same definition, pairable units counted as often as they were drawn.</summary>
    public double? Measure(IReadOnlyList<int> draws)
    {
        ArgumentNullException.ThrowIfNull(draws);
        double drawn = 0, n = 0, sum = 0, sumOfSquares = 0, observed = 0;
        for (var u = 0; u < units.Length; u++)
        {
            var w = draws[units[u]];
            if (w == 0)
            {
                continue;
            }

            var m = counts[u];
            drawn += w;
            n += w * m;
            sum += w * sums[u];
            sumOfSquares += w * squares[u];
            observed += w * 2 * ((m * squares[u]) - (sums[u] * sums[u])) / (m - 1);
        }

        if (drawn < 2 || n < 3)
        {
            return null;
        }

        var expected = 2 * ((n * sumOfSquares) - (sum * sum)) / (n * (n - 1));
        return expected <= 0 ? null : Finite.OrNull(1 - (observed / n / expected));
    }
}
