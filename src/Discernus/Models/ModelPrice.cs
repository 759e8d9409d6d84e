namespace Discernus.Models;

/// <summary>
/// List prices of one model in USD per million tokens, per billing mode, with where and when they were read (each
/// provider lists its rows: <see cref="ModelProvider.Prices"/>). Cached input is what the provider read from its prompt
/// cache (OpenAI's cached prompt tokens, Anthropic's cache reads, Gemini's cached content); cache writes are
/// Anthropic's cache creation tokens (5-minute cache: 1.25 x input; OpenAI and Gemini charge none). The optional prices
/// fall back: cached input and cache writes at the input price, cached input in a batch at the batch input price (no
/// stacked discount assumed, an upper bound), cache writes in a batch at cache write x batch input / input (Anthropic
/// stacks its batch discount on every token kind); no batch price means a batch cost is unknown, never a guess.
/// </summary>
internal sealed record ModelPrice(string Model, decimal InputPerMillion, decimal OutputPerMillion)
{
    public decimal? CachedInputPerMillion { get; init; }

    public decimal? CacheWritePerMillion { get; init; }

    public decimal? BatchInputPerMillion { get; init; }

    public decimal? BatchOutputPerMillion { get; init; }

    public decimal? BatchCachedInputPerMillion { get; init; }

    /// <summary>When the row was read from the provider's list, e.g. <c>2025-06</c>; providers change prices, so re-check before relying on it.</summary>
    public string? AsOf { get; init; }

    /// <summary>Where: the provider's pricing page.</summary>
    public string? Source { get; init; }

    public bool HasBatchPrice => BatchInputPerMillion is not null && BatchOutputPerMillion is not null;

    /// <summary>An interactive call without cache counts.</summary>
    public decimal CostOf(long promptTokens, long completionTokens) =>
        CostOf(new ProviderUsage(promptTokens, completionTokens), BillingMode.Interactive) ?? 0m;

    /// <summary>
    /// What the provider bills for <paramref name="usage"/> in <paramref name="mode"/>: uncached input, cache reads and
    /// cache writes each at their price, and the output; null in batch mode when the model has no batch price.
    /// </summary>
    public decimal? CostOf(ProviderUsage usage, BillingMode mode)
    {
        ArgumentNullException.ThrowIfNull(usage);
        decimal input, output, cachedInput, cacheWrite;
        var write = CacheWritePerMillion ?? InputPerMillion;
        if (mode == BillingMode.Batch)
        {
            if (BatchInputPerMillion is not { } batchInput || BatchOutputPerMillion is not { } batchOutput)
            {
                return null;
            }

            input = batchInput;
            output = batchOutput;
            cachedInput = BatchCachedInputPerMillion ?? batchInput;
            cacheWrite = InputPerMillion == 0 ? write : write * batchInput / InputPerMillion;
        }
        else
        {
            input = InputPerMillion;
            output = OutputPerMillion;
            cachedInput = CachedInputPerMillion ?? InputPerMillion;
            cacheWrite = write;
        }

        return Math.Round(
            ((usage.UncachedInputTokens * input) + (usage.CachedInputTokens * cachedInput) + (usage.CacheWriteTokens * cacheWrite) + (usage.CompletionTokens * output)) / 1_000_000m,
            8);
    }
}
