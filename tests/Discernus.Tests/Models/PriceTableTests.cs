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

public sealed class PriceTableModeTests
{
    private static readonly PriceTable Prices = PriceTable.LoadDefault();

    [Fact]
    public void EveryRow_SaysWhenAndWhereItsPricesWereRead()
    {
        Assert.All(Prices.Prices, p =>
        {
            Assert.Matches(@"^\d{4}-\d{2}$", p.AsOf);
            Assert.StartsWith("https://", p.Source);
            Assert.True(p.HasBatchPrice, $"{p.Model} has no batch price");
            Assert.True(p.BatchInputPerMillion < p.InputPerMillion && p.CachedInputPerMillion < p.InputPerMillion, $"{p.Model}: a discount that is not one");
        });
    }

    [Fact]
    public void CachedInput_IsBilledAtTheCachedRate_AndBatchAtTheBatchRate()
    {
        var model = ModelName.Parse("openai/gpt-4o-mini");
        // gpt-4o-mini: input 0.15, cached 0.075, output 0.60; batch 0.075 / 0.30 per million.
        var usage = new ProviderUsage(PromptTokens: 1_000_000, CompletionTokens: 1_000_000, CachedInputTokens: 400_000);

        Assert.Equal((0.6m * 0.15m) + (0.4m * 0.075m) + 0.60m, Prices.CostOf(model, usage));
        Assert.Equal((0.6m * 0.075m) + (0.4m * 0.075m) + 0.30m, Prices.CostOf(model, usage, BillingMode.Batch));
        Assert.Equal(Prices.CostOf(model, 1_000_000, 1_000_000) / 2, Prices.CostOf(model, new ProviderUsage(1_000_000, 1_000_000), BillingMode.Batch));
    }

    [Fact]
    public void AnthropicCacheWrites_CostMoreThanInput_AndBatchStacksOnEveryKind()
    {
        var model = ModelName.Parse("anthropic/claude-3-5-haiku");
        // claude-3-5-haiku: input 0.80, cache write 1.00, cache read 0.08, output 4.00; batch half of each.
        var usage = new ProviderUsage(PromptTokens: 1_000_000, CompletionTokens: 0, CachedInputTokens: 500_000, CacheWriteTokens: 250_000);

        Assert.Equal((0.25m * 0.80m) + (0.5m * 0.08m) + (0.25m * 1.00m), Prices.CostOf(model, usage));
        Assert.Equal(((0.25m * 0.80m) + (0.5m * 0.08m) + (0.25m * 1.00m)) / 2, Prices.CostOf(model, usage, BillingMode.Batch));
    }

    [Fact]
    public void AModelWithoutABatchPrice_HasAnUnknownBatchCost_NotTheInteractiveOne()
    {
        var table = PriceTable.Parse("models:\n  - { model: m1, input: 1.0, output: 2.0 }\n");
        var model = ModelName.Parse("openai/m1");

        Assert.Equal(3m, table.CostOf(model, new ProviderUsage(1_000_000, 1_000_000)));
        Assert.Null(table.CostOf(model, new ProviderUsage(1_000_000, 1_000_000), BillingMode.Batch));
        // Without a cached-input price, cached tokens are billed as input: never a discount the table does not state.
        Assert.Equal(3m, table.CostOf(model, new ProviderUsage(1_000_000, 1_000_000, CachedInputTokens: 900_000)));
    }
}
