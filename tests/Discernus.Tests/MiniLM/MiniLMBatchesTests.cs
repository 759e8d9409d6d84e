using Discernus.MiniLM;

namespace Discernus.Tests.MiniLM;

public sealed class MiniLMBatchesTests
{
    [Fact]
    public void EveryText_IsInExactlyOneBatch_OfAtMostTheMaximumSize()
    {
        var random = new Random(7);
        var lengths = Enumerable.Range(0, 300).Select(_ => random.Next(3, 120)).ToArray();

        var batches = MiniLMBatches.Plan(lengths, maxBatch: 32, overheadTokens: 12);

        Assert.Equal(Enumerable.Range(0, lengths.Length), batches.SelectMany(b => b).Order());
        Assert.All(batches, b => Assert.InRange(b.Length, 1, 32));
    }

    [Fact]
    public void TextsOfOneLength_AreBatchedTogether_UpToTheMaximum()
    {
        var batches = MiniLMBatches.Plan(Enumerable.Repeat(20, 70).ToArray(), maxBatch: 32, overheadTokens: 12);

        Assert.Equal([32, 32, 6], batches.Select(b => b.Length).Order().Reverse());
    }

    [Fact]
    public void ALongText_IsNotPaddedInto_ABatchOfShortOnes()
    {
        // Together: 12 + 4 × 200 = 812 tokens of work; apart: 12 + 3 × 10 + 12 + 200 = 254.
        var batches = MiniLMBatches.Plan([10, 200, 10, 10], maxBatch: 32, overheadTokens: 12);

        Assert.Equal(2, batches.Count);
        Assert.Equal([0, 2, 3], batches[0]);
        Assert.Equal([1], batches[1]);
    }

    [Fact]
    public void TextsOfSimilarLength_ShareARun_WhenPaddingCostsLessThanAnotherRun()
    {
        // Together: 12 + 2 × 22 = 56; apart: 12 + 20 + 12 + 22 = 66.
        var batches = MiniLMBatches.Plan([22, 20], maxBatch: 32, overheadTokens: 12);

        Assert.Equal([1, 0], Assert.Single(batches));
    }

    [Fact]
    public void NoTexts_NoBatches() => Assert.Empty(MiniLMBatches.Plan([], maxBatch: 32, overheadTokens: 12));
}
