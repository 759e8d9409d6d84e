using Discernus.Experiments;

namespace Discernus.Statistics;

/// <summary>
/// The gold ratings of one dimension, indexed for resampling: the units are the coded documents in ordinal order of
/// their id (so a seed gives the same draws whatever order the gold file lists them in), each with its coders' scores.
/// A coder's repeated rows for the same document count once, as their mean (taken in sorted order, so that it does not
/// depend on the order of the rows in the file).
/// </summary>
internal sealed class DimensionGold
{
    private readonly Dictionary<string, int> unitOf;

    public DimensionGold(IEnumerable<GoldRating> ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        var rows = ratings.ToList();
        Coders = rows.Select(r => r.Coder).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var coderOf = Coders.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var documents = rows.GroupBy(r => r.DocumentId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        Documents = documents.Select(g => g.Key).ToList();
        Ratings = documents
            .Select(g => (IReadOnlyList<(int Coder, double Score)>)g
                .GroupBy(r => coderOf[r.Coder])
                .OrderBy(c => c.Key)
                .Select(c => (c.Key, c.Select(r => r.Score).Order().Average()))
                .ToList())
            .ToList();
        Means = Ratings.Select(u => u.Average(r => r.Score)).ToList();
        Rows = rows.Count;
        unitOf = Documents.Select((d, i) => (d, i)).ToDictionary(p => p.d, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>Document id of each unit.</summary>
    public IReadOnlyList<string> Documents { get; }

    /// <summary>For each unit, the coders (indices into <see cref="Coders"/>) and their scores, one per coder.</summary>
    public IReadOnlyList<IReadOnlyList<(int Coder, double Score)>> Ratings { get; }

    /// <summary>For each unit, the mean of its coders' scores.</summary>
    public IReadOnlyList<double> Means { get; }

    /// <summary>The coders of this dimension, ordinal.</summary>
    public IReadOnlyList<string> Coders { get; }

    /// <summary>Gold rows, repeats included.</summary>
    public int Rows { get; }

    /// <summary>The unit of a document; null when no coder rated it.</summary>
    public int? UnitOf(string document) => unitOf.TryGetValue(document, out var unit) ? unit : null;

    /// <summary>The mean score of each coder who rated at least <paramref name="minimumDocuments"/> documents.</summary>
    public IReadOnlyList<double> CoderMeans(int minimumDocuments) =>
        Ratings.SelectMany(u => u)
            .GroupBy(r => r.Coder)
            .Where(g => g.Count() >= minimumDocuments)
            .OrderBy(g => g.Key)
            .Select(g => g.Average(r => r.Score))
            .ToList();
}
