using Discernus.MiniLM;

namespace Discernus.Tests.MiniLM;

[Collection(MiniLMModelCollection.Name)]
public sealed class MiniLMEncoderTests(MiniLMModelFixture model)
{
    [Fact]
    public async Task Embed_ReturnsOneUnitVectorOf384Dimensions_PerText()
    {
        var vectors = await model.Encoder.EmbedAsync(["The council meets on Tuesday.", "Prices rose again.", ""]);

        Assert.Equal(3, vectors.Length);
        Assert.All(vectors, v =>
        {
            Assert.Equal(MiniLMEncoder.Dimensions, v.Length);
            Assert.InRange(Math.Sqrt(v.Sum(x => (double)x * x)), 0.999, 1.001);
        });
    }

    [Fact]
    public async Task Embedding_DoesNotDependOnTheOtherTextsOfTheBatch()
    {
        const string sentence = "Corrupt elites have betrayed the ordinary people of this country.";
        var alone = (await model.Encoder.EmbedAsync([sentence]))[0];
        var longer = string.Join(' ', Enumerable.Repeat("A much longer sentence pads every other text of its batch.", 4));

        var inBatch = (await model.Encoder.EmbedAsync(["Short.", longer, sentence, "Another one of middling length here."]))[2];

        Assert.True(alone.Zip(inBatch).Max(p => Math.Abs(p.First - p.Second)) < 1e-5, "the vector changed with its batch");
    }

    [Fact]
    public async Task RelatedSentence_IsFarCloserToADescription_ThanAnUnrelatedOne()
    {
        var vectors = await model.Encoder.EmbedAsync(
        [
            "Anti-elitism: a domestic elite is portrayed as corrupt, self-serving and opposed to the people.",
            "The corrupt elites in the capital have betrayed ordinary people for their own profit.",
            "The budget meeting has been moved to Thursday afternoon.",
        ]);

        var related = Vectors.Dot(vectors[0], vectors[1]);
        var unrelated = Vectors.Dot(vectors[0], vectors[2]);

        Assert.True(related > 0.4, $"related similarity {related:F3}");
        Assert.True(related - unrelated > 0.3, $"related {related:F3}, unrelated {unrelated:F3}");
    }
}
