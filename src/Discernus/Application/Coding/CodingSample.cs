using Discernus.Content;
using Discernus.Experiments;

namespace Discernus.Application;

/// <summary>
/// The documents a coder codes: N drawn at random, stratified by the experiment's first grouping field, reproducible
/// from the seed. Each document's place in the draw is SHA-256(seed, document id), so the same seed gives every coder
/// the same sample on any machine and any .NET version (no System.Random), and coders given the same seed code the
/// same documents, which is what agreement between them needs.
/// <para>Allocation: every group gets its share of N in proportion to its size (largest remainders), and at least one
/// document while N allows, so a small group is never left out of the comparison.</para>
/// </summary>
public static class CodingSample
{
    public const int DefaultSize = 10;

    public static IReadOnlyList<CorpusDocument> Draw(Experiment experiment, int size, int seed)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var documents = experiment.Corpus.Documents;
        size = Math.Clamp(size, 1, documents.Count);
        var field = experiment.Grouping.FirstOrDefault();
        var groups = documents
            .GroupBy(d => field is not null && d.Metadata.TryGetValue(field, out var value) ? value : string.Empty, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(d => Rank(seed, d.DocumentId), StringComparer.Ordinal).ToList())
            .ToList();

        var shares = Allocate(groups.Select(g => g.Count).ToList(), size);
        return groups.SelectMany((g, i) => g.Take(shares[i]))
            .OrderBy(d => Rank(seed, d.DocumentId), StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The grouping field the sample is stratified by, or null for a simple random sample.</summary>
    public static string? StratifiedBy(Experiment experiment) => experiment.Grouping.FirstOrDefault();

    private static int[] Allocate(IReadOnlyList<int> sizes, int n)
    {
        var total = sizes.Sum();
        var shares = new int[sizes.Count];
        if (n >= sizes.Count)
        {
            // One each first, then the rest in proportion.
            for (var i = 0; i < shares.Length; i++)
            {
                shares[i] = 1;
            }
        }

        var remaining = n - shares.Sum();
        var quotas = sizes.Select((s, i) => (Index: i, Quota: (double)s / total * remaining)).ToList();
        foreach (var (index, quota) in quotas)
        {
            shares[index] += Math.Min((int)Math.Floor(quota), sizes[index] - shares[index]);
        }

        foreach (var (index, _) in quotas.OrderByDescending(q => q.Quota - Math.Floor(q.Quota)).ThenBy(q => q.Index))
        {
            if (shares.Sum() >= n)
            {
                break;
            }

            if (shares[index] < sizes[index])
            {
                shares[index]++;
            }
        }

        // Groups that ran out of documents leave their share to the others.
        for (var i = 0; shares.Sum() < n && i < shares.Length; i = (i + 1) % shares.Length)
        {
            if (shares[i] < sizes[i])
            {
                shares[i]++;
            }
        }

        return shares;
    }

    private static string Rank(int seed, string documentId) =>
        Hashing.Sha256Hex($"{seed}\n{documentId}");
}
