using Discernus.Calibration;
using Discernus.Models;
using Discernus.Offline.Lexicon;
using Discernus.Orchestration;
using Discernus.Statistics;
using Discernus.Tests.Models;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Offline;

/// <summary>The lexicon as a document feature source, and how calibration finds feature sources behind the gateway.</summary>
public sealed class LexiconFeatureSourceTests
{
    private static ModelSettings HostedSettings() => ModelSettings.FromValues(new Dictionary<string, string?>
    {
        [OpenAIProvider.ApiKeyName] = "sk-test-0123456789abcdef",
        [OpenAIProvider.BaseUrlName] = "http://127.0.0.1:9/v1",
        [AnthropicProvider.ApiKeyName] = "sk-ant-test-0123456789abcdef",
        [AnthropicProvider.BaseUrlName] = "http://127.0.0.1:9",
    });

    [Fact]
    public async Task Features_ArePositiveAndNegativeMatchesPer100Words_ThenLogOfLength()
    {
        // 12 words. hope: "hope" and "better future" (2 positive); fear: "danger" (1 positive) and "nothing to fear"
        // (1 negative, and the "fear" inside it is not evidence).
        using var client = new LexiconChatClient();

        var features = await client.FeaturesAsync(ModelsTestData.HopeFearFramework(), "We hope for a better future. There is danger. Nothing to fear.");

        float[] expected = [200f / 12, 0, 100f / 12, 100f / 12, (float)Math.Log(13)];
        Assert.Equal(expected, features, (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal(LexiconFeatures.FeatureSet, client.FeatureSet);
    }

    [Fact]
    public async Task EveryDocument_GetsTheSameNumberOfFeatures_EvenAnEmptyOne()
    {
        using var client = new LexiconChatClient();
        var framework = ModelsTestData.HopeFearFramework(withMarkerlessDimension: true);

        var empty = await client.FeaturesAsync(framework, "");
        var speech = await client.FeaturesAsync(framework, "Hope, hope and no future: they're coming.");

        Assert.Equal(7, empty.Length);
        Assert.Equal(7, speech.Length);
        Assert.All(empty, v => Assert.Equal(0, v));
        Assert.Equal([0f, 0f], speech[4..6]);
    }

    [Fact]
    public void GatewayClients_OfTheLexicon_OfferItsFeatures_ThroughTheMiddleware()
    {
        using var gateway = new ModelGateway(ModelSettings.Empty, ModelsTestData.WithLexicon(), sink: new MemoryInteractionSink());
        using var client = gateway.CreateClient("lexicon");

        var source = client.GetService<IDocumentFeatureSource>();

        Assert.IsNotType<LexiconChatClient>(client);
        Assert.IsType<LexiconChatClient>(source);
    }

    [Fact]
    public void TheClientsAgentsGet_FindTheLexiconsFeatures_AndNoneForHostedModels()
    {
        using var registry = new RunRegistry(HostedSettings(), ModelsTestData.WithLexicon(), new MemoryResponseCache(), TimeProvider.System);

        Assert.Equal(LexiconFeatures.FeatureSet, registry.ClientFor("run-1", "lexicon").GetService<IDocumentFeatureSource>()?.FeatureSet);
        Assert.Null(registry.ClientFor("run-1", "openai/gpt-4o-mini").GetService<IDocumentFeatureSource>());
        Assert.Null(registry.ClientFor("run-1", "anthropic/claude-sonnet-4-5").GetService<IDocumentFeatureSource>());
        // The hosted client is the full stack (cache, breaker, retries...), not a bare adapter that could hide a gap.
        Assert.NotNull(registry.ClientFor("run-1", "openai/gpt-4o-mini").GetService<ArtifactCachingChatClient>());
    }

    [Fact]
    public async Task DocumentFeatureSources_ReadATextOnlyForModelsWithFeatures()
    {
        using var registry = new RunRegistry(HostedSettings(), ModelsTestData.WithLexicon(), null, TimeProvider.System);
        var framework = ModelsTestData.HopeFearFramework();
        var reads = new List<string>();
        var features = DocumentFeatureSources.FromClients(
            model => registry.ClientFor("run-1", model),
            framework,
            (record, _) =>
            {
                reads.Add(record.DocumentKey);
                return Task.FromResult("We hope for a better future.");
            });
        var record = new AnalysisRecord { DocumentName = "a.txt", DocumentHash = "h1" };

        var lexicon = await features("lexicon", record, CancellationToken.None);
        var hosted = await features("openai/gpt-4o-mini", record, CancellationToken.None);

        Assert.Equal(LexiconFeatures.FeatureSet, lexicon!.FeatureSet);
        Assert.Equal(5, lexicon.Values.Length);
        Assert.Null(hosted);
        Assert.Equal(["h1"], reads);
    }
}
