using Discernus.Models;

namespace Discernus.Tests.Models;

public sealed class PriceTableTests
{
    private static readonly PriceTable Prices = PriceTable.LoadDefault();

    [Theory]
    [InlineData("openai/gpt-4o", "gpt-4o")]
    [InlineData("openai/gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("openai/gpt-4o-mini", "gpt-4o-mini")]
    [InlineData("openai/gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("anthropic/claude-sonnet-4-20250514", "claude-sonnet-4")]
    [InlineData("anthropic/claude-3-5-sonnet-latest", "claude-3-5-sonnet")]
    [InlineData("gemini/gemini-2.5-flash", "gemini-2.5-flash")]
    [InlineData("gemini/gemini-2.5-flash-lite", "gemini-2.5-flash-lite")]
    [InlineData("openrouter/openai/gpt-4o", "gpt-4o")]
    public void KnownModel_FindsItsEntry(string model, string entry) => Assert.Equal(entry, Prices.Find(ModelName.Parse(model))?.Model);

    [Theory]
    [InlineData("openai/gpt-4o-audio-preview")]
    [InlineData("ollama/llama3.1:8b")]
    [InlineData("openai-compatible/my-model")]
    public void UnknownModel_HasNoPrice(string model)
    {
        Assert.Null(Prices.Find(ModelName.Parse(model)));
        Assert.Null(Prices.CostOf(ModelName.Parse(model), 1000, 1000));
    }

    [Fact]
    public void Cost_IsPerMillionTokens()
    {
        // gpt-4o: 2.50 in, 10.00 out.
        Assert.Equal(0.0025m + 0.01m, Prices.CostOf(ModelName.Parse("openai/gpt-4o"), 1000, 1000));
    }

    [Fact]
    public void Lexicon_IsFree() => Assert.Equal(0m, Prices.CostOf(ModelName.Lexicon, 5000, 5000));

    [Fact]
    public void UnknownTokenCounts_GiveNoCost() => Assert.Null(Prices.CostOf(ModelName.Parse("openai/gpt-4o"), null, null));
}
