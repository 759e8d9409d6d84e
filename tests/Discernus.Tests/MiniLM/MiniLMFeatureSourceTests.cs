using Discernus.Artifacts;
using Discernus.Experiments;
using Discernus.MiniLM;
using Discernus.Models;
using Discernus.Offline;
using Discernus.Offline.Lexicon;
using Discernus.Tests.Artifacts;
using Discernus.Tests.Models;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.MiniLM;

/// <summary>minilm as a document feature source: its units' mean embedding, then the lexicon's marker rates.</summary>
public sealed class MiniLMFeatureSourceTests : IDisposable
{
    private const string Speech =
        "My friends, we gather tonight in hope. Whatever the trials ahead, we will overcome them together.\n" +
        "Some warn of danger at the gates and enemies all around us. But I say we have nothing to fear.";

    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Features_AreTheUnitLengthMeanOfTheUnitEmbeddings_ThenTheLexiconCounts()
    {
        var embedder = new CountingEmbedder();
        using var client = new MiniLMChatClient(embedder, MiniLMTexts.Load());
        var framework = ModelsTestData.HopeFearFramework();

        var features = await client.FeaturesAsync(framework, Speech);

        var units = SemanticUnits.Of(Speech).Select(u => u.Quote).ToList();
        Assert.Equal(units, embedder.Texts);
        var mean = Vectors.Normalize(Vectors.Mean(units.Select(CountingEmbedder.VectorOf)));
        Assert.Equal(mean, features[..8]);
        using var lexicon = new LexiconChatClient();
        Assert.Equal(await lexicon.FeaturesAsync(framework, Speech), features[8..]);
        Assert.Equal(MiniLMChatClient.DocumentFeatureSet, client.FeatureSet);
    }

    [Fact]
    public async Task Features_ReuseTheEmbeddingsTheAnalysisCached()
    {
        var model = new CountingEmbedder();
        var store = ArtifactStoreFactory.Create(new ArtifactStoreOptions { FolderPath = _folder.Path, Backend = "folder" });
        using var client = new MiniLMChatClient(new CachedSentenceEmbedder(model, new ArtifactEmbeddingCache(store, model.ModelId, 8)), MiniLMTexts.Load());
        var framework = ModelsTestData.HopeFearFramework();
        await client.GetResponseAsync("analyse", new ChatOptions
        {
            AdditionalProperties = new() { [LexiconInputs.Framework] = framework, [LexiconInputs.DocumentText] = Speech },
        });
        var sent = model.Texts.Count;

        var features = await client.FeaturesAsync(framework, Speech);

        Assert.Equal(sent, model.Texts.Count);
        Assert.Equal(8 + 5, features.Length);
    }

    [Fact]
    public async Task TheFirstDocumentsOfARun_ArrivingTogether_EmbedTheDimensionTextsOnce()
    {
        // Each of a run's agent loops used to compute the framework's dimension profiles on its first document, as all
        // of them missed the client's cache at once: eight loops, eight times every dimension text (hundreds for a
        // large framework) at the start of the batch analysis.
        var counting = new CountingEmbedder();
        var held = new HeldEmbedder(counting);
        using var client = new MiniLMChatClient(held, MiniLMTexts.Load());
        var framework = MiniLMTestData.CivicGrievanceFramework();
        var documents = MiniLMTestData.TwoGroupCorpus();

        var scoring = documents.Select(d => client.ScoreAsync(framework, d.Text)).ToArray();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (held.Waiting == 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(5);
        }

        held.Release();
        await Task.WhenAll(scoring);

        var definitions = framework.Dimensions.Select(d => d.Description!).ToList();
        Assert.All(definitions, d => Assert.Single(counting.Texts, t => t == d));
        Assert.All(scoring, s => Assert.Equal(framework.Dimensions.Count, s.Result.Scores.Count));
    }

    /// <summary>Holds every call until released, so concurrent callers all arrive before the first is answered.</summary>
    private sealed class HeldEmbedder(ISentenceEmbedder inner) : ISentenceEmbedder
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;

        public string ModelId => inner.ModelId;

        public int Waiting => Volatile.Read(ref _waiting);

        public void Release() => _released.TrySetResult();

        public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _waiting);
            await _released.Task.WaitAsync(cancellationToken);
            return await inner.EmbedAsync(texts, cancellationToken);
        }
    }

    [Fact]
    public async Task AnEmptyDocument_GetsAVectorOfTheSameLength()
    {
        using var client = new MiniLMChatClient(new CountingEmbedder(), MiniLMTexts.Load());
        var framework = ModelsTestData.HopeFearFramework();

        var empty = await client.FeaturesAsync(framework, "");
        var speech = await client.FeaturesAsync(framework, Speech);

        Assert.Equal(speech.Length, empty.Length);
    }

    [Fact]
    public void GatewayClients_OfMiniLM_OfferItsFeatures_ThroughTheMiddleware()
    {
        using var offline = new MiniLMOfflineModel(store: null);
        using var gateway = new ModelGateway(ModelSettings.Empty, new ModelGatewayOptions { OfflineModels = [offline] }, new MemoryInteractionSink());
        using var client = gateway.CreateClient("minilm");

        var source = client.GetService<IDocumentFeatureSource>();

        Assert.IsNotType<MiniLMChatClient>(client);
        Assert.Equal(MiniLMChatClient.DocumentFeatureSet, source?.FeatureSet);
        Assert.Equal(0, offline.TextsEncoded);
    }
}
