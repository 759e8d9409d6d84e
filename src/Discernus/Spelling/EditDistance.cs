namespace Discernus.Spelling;

/// <summary>
/// Levenshtein distance for "did you mean" suggestions (settings, corpus fields, formula names): one table, bounded, so a
/// hostile name of megabytes costs nothing.
/// </summary>
internal static class EditDistance
{
    /// <summary>No name we suggest is longer; past it the quadratic table would no longer be small.</summary>
    private const int MaxLength = 64;

    /// <summary>The distance of <paramref name="a"/> and <paramref name="b"/> when it is at most <paramref name="limit"/>, else <see cref="int.MaxValue"/>.</summary>
    public static int Within(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit || a.Length > MaxLength || b.Length > MaxLength)
        {
            return int.MaxValue;
        }

        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length] <= limit ? previous[b.Length] : int.MaxValue;
    }
}
