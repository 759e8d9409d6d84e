using Discernus.Artifacts;
using Discernus.Models;
using Discernus.Offline.Lexicon;
using Microsoft.Extensions.AI;

namespace Discernus.MiniLM;

/// <summary>
/// The <c>minilm</c> registration for a host: one <see cref="MiniLMEncoder"/> (the model is loaded once per process,
/// when a run names minilm or at the first document) and, when a store is given, the sentence-embedding cache in that artifact store.
/// The CLI registers it through <c>HostOptions.OfflineModels</c>; the host disposes it.
/// </summary>
public sealed class MiniLMOfflineModel : IOfflineModel
{
    private readonly MiniLMEncoder _encoder = new();
    private readonly ISentenceEmbedder _embedder;
    private readonly LexiconTexts _texts = MiniLMTexts.Load();

    public MiniLMOfflineModel(IArtifactStore? store)
    {
        _embedder = store is null
            ? _encoder
            : new CachedSentenceEmbedder(_encoder, new ArtifactEmbeddingCache(store, MiniLMEncoder.Name, MiniLMEncoder.Dimensions));
    }

    public ModelProvider Provider => ModelProvider.MiniLM;

    /// <summary>Texts actually sent to the model (cache misses) since this registration was made.</summary>
    public long TextsEncoded => _encoder.TextsEncoded;

    public IChatClient CreateClient() => new MiniLMChatClient(_embedder, _texts);

    /// <summary>Loads the ONNX model (about 0.3–0.5 s of one core) while the run is set up, not at its first document.</summary>
    public void WarmUp() => _encoder.WarmUp();

    public void Dispose() => _encoder.Dispose();
}
