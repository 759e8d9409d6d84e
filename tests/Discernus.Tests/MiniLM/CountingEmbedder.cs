using Discernus.Content;
using Discernus.MiniLM;
using Discernus.Provenance;

namespace Discernus.Tests.MiniLM;

/// <summary>
/// A hand-written <see cref="ISentenceEmbedder"/> for the cache tests: a deterministic unit vector per text (from its
/// SHA-256), and a record of every text it was asked to embed.
/// </summary>
internal sealed class CountingEmbedder : ISentenceEmbedder
{
    private readonly List<string> _texts = [];

    public string ModelId => "counting-test-model";

    public IReadOnlyList<string> Texts
    {
        get
        {
            lock (_texts)
            {
                return _texts.ToList();
            }
        }
    }

    public int Calls { get; private set; }

    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        lock (_texts)
        {
            Calls++;
            _texts.AddRange(texts);
        }

        return Task.FromResult(texts.Select(VectorOf).ToArray());
    }

    public static float[] VectorOf(string text)
    {
        var hash = Convert.FromHexString(Hashing.Sha256Hex(text));
        var vector = Enumerable.Range(0, 8).Select(i => (float)(hash[i] - 127.5)).ToArray();
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        return vector.Select(x => x / norm).ToArray();
    }
}
