namespace Discernus.MiniLM;

/// <summary>
/// An <see cref="ISentenceEmbedder"/> that looks every text up in the <see cref="ArtifactEmbeddingCache"/> first and
/// sends only the missing ones to the model, in one batched call; repeated texts of a request are embedded once.
/// </summary>
internal sealed class CachedSentenceEmbedder(ISentenceEmbedder inner, ArtifactEmbeddingCache cache) : ISentenceEmbedder
{
    public string ModelId => inner.ModelId;

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var distinct = texts.Distinct(StringComparer.Ordinal).ToList();
        var keys = distinct.Select(t => ArtifactEmbeddingCache.KeyOf(inner.ModelId, t)).ToList();
        var found = await cache.GetManyAsync(keys, cancellationToken).ConfigureAwait(false);
        var missing = Enumerable.Range(0, distinct.Count).Where(i => found[i] is null).ToList();
        if (missing.Count > 0)
        {
            var vectors = await inner.EmbedAsync(missing.Select(i => distinct[i]).ToList(), cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < missing.Count; j++)
            {
                found[missing[j]] = vectors[j];
            }

            await cache.SetManyAsync(missing.Select((i, j) => (keys[i], vectors[j])).ToList(), cancellationToken).ConfigureAwait(false);
        }

        var byText = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var i = 0; i < distinct.Count; i++)
        {
            byText[distinct[i]] = found[i]!;
        }

        return texts.Select(t => byText[t]).ToArray();
    }
}
