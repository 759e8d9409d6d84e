namespace Discernus.Statistics;

/// <summary>
/// Pearson correlations between dimensions' scores over documents, each pair on its complete observations.
/// Row and column i belong to <see cref="Dimensions"/>[i]; the matrix is symmetric.
/// </summary>
/// <param name="Coefficients">r, or null where fewer than 3 documents have both scores or either is constant.</param>
/// <param name="Counts">Number of documents with both scores.</param>
internal sealed record CorrelationMatrix(
    IReadOnlyList<string> Dimensions,
    IReadOnlyList<IReadOnlyList<double?>> Coefficients,
    IReadOnlyList<IReadOnlyList<int>> Counts)
{
    /// <summary>The coefficient between two dimensions, null when undefined or either name is unknown.</summary>
    public double? Coefficient(string first, string second)
    {
        var (i, j) = (IndexOf(first), IndexOf(second));
        return i < 0 || j < 0 ? null : Coefficients[i][j];
    }

    /// <summary>The number of documents with both scores, 0 when either name is unknown.</summary>
    public int Count(string first, string second)
    {
        var (i, j) = (IndexOf(first), IndexOf(second));
        return i < 0 || j < 0 ? 0 : Counts[i][j];
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < Dimensions.Count; i++)
        {
            if (string.Equals(Dimensions[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
