namespace Discernus.Statistics;

/// <summary>Holm's (1979) step-down correction for a family of tests; controls the family-wise error rate.</summary>
internal static class Holm
{
    /// <summary>Adjusted p-values in the input order; null inputs stay null and do not count towards the family.</summary>
    public static IReadOnlyList<double?> Adjust(IReadOnlyList<double?> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        var present = pValues.Select((p, i) => (P: p, Index: i)).Where(x => x.P is not null).OrderBy(x => x.P).ThenBy(x => x.Index).ToList();
        var adjusted = new double?[pValues.Count];
        var m = present.Count;
        var running = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            running = Math.Max(running, Math.Min(1, (m - rank) * present[rank].P!.Value));
            adjusted[present[rank].Index] = running;
        }

        return adjusted;
    }
}
