using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// The tokens of one answer as the provider billed them. <see cref="PromptTokens"/> is every input token, including
/// those read from (<see cref="CachedInputTokens"/>) or written to (<see cref="CacheWriteTokens"/>) the provider's prompt
/// cache: the SDK adapters report Anthropic's separate counts that way too.
/// </summary>
internal sealed record ProviderUsage(long PromptTokens, long CompletionTokens, long CachedInputTokens = 0, long CacheWriteTokens = 0)
{
    /// <summary>The name under which the Anthropic adapter reports <c>cache_creation_input_tokens</c> in <see cref="UsageDetails.AdditionalCounts"/>.</summary>
    public const string AnthropicCacheCreationCount = "CacheCreationInputTokens";

    /// <summary>Input tokens billed at the full input price.</summary>
    public long UncachedInputTokens => Math.Max(0, PromptTokens - CachedInputTokens - CacheWriteTokens);

    public static ProviderUsage Of(UsageDetails? usage) => new(
        usage?.InputTokenCount ?? 0,
        usage?.OutputTokenCount ?? 0,
        usage?.CachedInputTokenCount ?? 0,
        CacheWritesOf(usage) ?? 0);

    /// <summary>Tokens written to the provider's prompt cache, when it reported them (Anthropic).</summary>
    public static long? CacheWritesOf(UsageDetails? usage) =>
        usage?.AdditionalCounts?.TryGetValue(AnthropicCacheCreationCount, out var n) == true ? n : null;
}
