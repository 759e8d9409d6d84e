using System.Buffers.Binary;
using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Provenance;

namespace Discernus.MiniLM;

/// <summary>
/// Sentence embeddings kept in the artifact store, so a sentence is embedded once per store, whichever run, experiment
/// or worker meets it again. A vector is stored as an object (its 384 floats, little-endian IEEE 754, so the object's
/// hash is the vector's) and found through a ref named by the sentence hash:
/// <c>embeddings/&lt;model&gt;/&lt;h[0..2]&gt;/&lt;h&gt;</c> with h = SHA-256 of "&lt;model&gt;\n&lt;text&gt;" (UTF-8).
/// An entry of the wrong length (another model's, or damaged) counts as missing and is overwritten.
/// </summary>
internal sealed class ArtifactEmbeddingCache(IArtifactStore store, string modelId, int dimensions)
{
    private readonly string _refPrefix = "embeddings/" + new string(modelId.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    public static string KeyOf(string modelId, string text) => Hashing.Sha256Hex(modelId + "\n" + text);

    /// <summary>The cached vectors of the keys, null where there is none; lookups run concurrently.</summary>
    public async Task<float[]?[]> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        await Task.WhenAll(keys.Select(k => GetAsync(k, cancellationToken))).ConfigureAwait(false);

    public async Task SetManyAsync(IReadOnlyList<(string Key, float[] Vector)> entries, CancellationToken cancellationToken = default) =>
        await Task.WhenAll(entries.Select(e => SetAsync(e.Key, e.Vector, cancellationToken))).ConfigureAwait(false);

    private async Task<float[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var hash = await store.GetRefAsync(RefName(key), cancellationToken).ConfigureAwait(false);
        if (hash is null)
        {
            return null;
        }

        var bytes = await store.GetAsync(hash, cancellationToken).ConfigureAwait(false);
        if (bytes is null || bytes.Length != dimensions * sizeof(float))
        {
            return null;
        }

        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return vector;
    }

    private async Task SetAsync(string key, float[] vector, CancellationToken cancellationToken)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        var hash = await store.PutAsync(bytes, cancellationToken).ConfigureAwait(false);
        await store.SetRefAsync(RefName(key), hash, cancellationToken).ConfigureAwait(false);
    }

    private string RefName(string key) => $"{_refPrefix}/{key[..2]}/{key}";
}
