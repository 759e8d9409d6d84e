using Discernus.Models;
using Microsoft.Extensions.AI;

namespace Discernus.Batches;

/// <summary>
/// One answer taken from a batch's output file, stored in the artifact store by hash; the task's contract carries that
/// hash (<see cref="BatchAnswers.ParamKey"/>), and the agent hands the answer to the gateway as a prepared answer for
/// the very request it would send (<see cref="PromptHash"/>). It then goes through the same validation, evidence check,
/// response cache and settle path as an interactive answer; an invalid one is asked again interactively.
/// </summary>
internal sealed record BatchAnswer
{
    public required string TaskId { get; init; }

    /// <summary><see cref="ChatRequestHasher.HashMessages"/> of the request the batch line carried.</summary>
    public required string PromptHash { get; init; }

    public required string Text { get; init; }

    public string? ModelId { get; init; }

    public required long PromptTokens { get; init; }

    public required long CompletionTokens { get; init; }

    public long CachedInputTokens { get; init; }

    /// <summary>Tokens written to the provider's prompt cache (Anthropic's <c>cache_creation_input_tokens</c>).</summary>
    public long CacheWriteTokens { get; init; }

    public string? BatchId { get; init; }

    /// <summary>The answer as the gateway returns a provider's, billed in batch mode.</summary>
    public ChatResponse ToChatResponse() => new(new ChatMessage(ChatRole.Assistant, Text))
    {
        ModelId = ModelId,
        Usage = new UsageDetails
        {
            InputTokenCount = PromptTokens,
            OutputTokenCount = CompletionTokens,
            TotalTokenCount = PromptTokens + CompletionTokens,
            CachedInputTokenCount = CachedInputTokens,
            AdditionalCounts = CacheWriteTokens > 0 ? new AdditionalPropertiesDictionary<long> { [ProviderUsage.AnthropicCacheCreationCount] = CacheWriteTokens } : null,
        },
        AdditionalProperties = new AdditionalPropertiesDictionary
        {
            [ModelCallKeys.BillingMode] = ModelCallKeys.BatchMode,
            [ModelCallKeys.PreparedPromptHash] = PromptHash,
        },
    };
}
