using Discernus.MiniLM;
using Discernus.Tests.Models;

namespace Discernus.Tests.MiniLM;

/// <summary>minilm's document features with the real encoder (loaded once for the collection).</summary>
[Collection(MiniLMModelCollection.Name)]
public sealed class MiniLMFeatureSourceModelTests(MiniLMModelFixture model)
{
    [Fact]
    public async Task RealEmbeddings_GiveAUnitVectorOf384_AndSimilarDocumentsLieCloser()
    {
        using var client = new MiniLMChatClient(model.Encoder, MiniLMTexts.Load());
        var framework = ModelsTestData.HopeFearFramework();

        var hope = await client.FeaturesAsync(framework, "We hope for a better future. Our children will see brighter days.");
        var hopeToo = await client.FeaturesAsync(framework, "Tomorrow will be better; we are full of hope for our children.");
        var tax = await client.FeaturesAsync(framework, "The quarterly tax filing deadline moves to the fifteenth of the month.");

        Assert.Equal(384 + 5, hope.Length);
        Assert.Equal(1, Math.Sqrt(hope[..384].Sum(v => (double)v * v)), 5);
        Assert.True(Vectors.Dot(hope[..384], hopeToo[..384]) > Vectors.Dot(hope[..384], tax[..384]));
    }
}
