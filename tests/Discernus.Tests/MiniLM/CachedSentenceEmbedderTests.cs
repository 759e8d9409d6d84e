using Discernus.Artifacts;
using Discernus.MiniLM;
using Discernus.Tests.Artifacts;

namespace Discernus.Tests.MiniLM;

public sealed class CachedSentenceEmbedderTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();
    private readonly IArtifactStore _store;
    private readonly CountingEmbedder _model = new();
    private readonly CachedSentenceEmbedder _embedder;

    public CachedSentenceEmbedderTests()
    {
        _store = ArtifactStoreFactory.Create(new ArtifactStoreOptions { FolderPath = _folder.Path, Backend = "folder" });
        _embedder = new CachedSentenceEmbedder(_model, new ArtifactEmbeddingCache(_store, _model.ModelId, 8));
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task SecondRequest_IsAnsweredFromTheStore_WithoutCallingTheModel()
    {
        string[] texts = ["First sentence.", "Second sentence."];
        var first = await _embedder.EmbedAsync(texts);

        var second = await _embedder.EmbedAsync(texts);

        Assert.Equal(1, _model.Calls);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task OnlyMissingTexts_AreEmbedded_InOneBatchedCall_WithRepeatsOnce()
    {
        await _embedder.EmbedAsync(["Known sentence."]);

        var vectors = await _embedder.EmbedAsync(["New one.", "Known sentence.", "New one.", "Another new one."]);

        Assert.Equal(2, _model.Calls);
        Assert.Equal(["Known sentence.", "New one.", "Another new one."], _model.Texts);
        Assert.Equal(CountingEmbedder.VectorOf("New one."), vectors[0]);
        Assert.Equal(CountingEmbedder.VectorOf("Known sentence."), vectors[1]);
        Assert.Equal(vectors[0], vectors[2]);
    }

    [Fact]
    public async Task Vector_IsStoredAsAnObject_FoundThroughARefNamedByTheSentenceHash()
    {
        await _embedder.EmbedAsync(["A sentence to keep."]);
        var key = ArtifactEmbeddingCache.KeyOf(_model.ModelId, "A sentence to keep.");

        var hash = await _store.GetRefAsync($"embeddings/counting-test-model/{key[..2]}/{key}");

        Assert.NotNull(hash);
        var bytes = await _store.GetAsync(hash);
        Assert.Equal(8 * sizeof(float), bytes!.Length);
    }

    [Fact]
    public async Task CacheIsShared_ByEveryEmbedderOverTheSameStore()
    {
        await _embedder.EmbedAsync(["Seen by the first run."]);
        var other = new CountingEmbedder();
        var secondRun = new CachedSentenceEmbedder(other, new ArtifactEmbeddingCache(_store, other.ModelId, 8));

        await secondRun.EmbedAsync(["Seen by the first run."]);

        Assert.Equal(0, other.Calls);
    }

    [Fact]
    public async Task EntryOfTheWrongLength_CountsAsMissing_AndIsReplaced()
    {
        var key = ArtifactEmbeddingCache.KeyOf(_model.ModelId, "Damaged.");
        var wrong = await _store.PutAsync(new byte[12]);
        await _store.SetRefAsync($"embeddings/counting-test-model/{key[..2]}/{key}", wrong);

        var vector = (await _embedder.EmbedAsync(["Damaged."]))[0];

        Assert.Equal(CountingEmbedder.VectorOf("Damaged."), vector);
        Assert.Equal(1, _model.Calls);
        Assert.NotEqual(wrong, await _store.GetRefAsync($"embeddings/counting-test-model/{key[..2]}/{key}"));
    }
}
