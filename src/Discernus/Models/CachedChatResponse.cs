using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>What the response cache keeps of an answer: its text, the model that wrote it and the token usage it cost.</summary>
internal sealed record CachedChatResponse
{
    [JsonPropertyName("text")] public required string Text { get; init; }
    [JsonPropertyName("model_id")] public string? ModelId { get; init; }
    [JsonPropertyName("prompt_tokens")] public long? PromptTokens { get; init; }
    [JsonPropertyName("completion_tokens")] public long? CompletionTokens { get; init; }
    [JsonPropertyName("finish_reason")] public string? FinishReason { get; init; }

    public static CachedChatResponse From(ChatResponse response) => new()
    {
        Text = response.Text,
        ModelId = response.ModelId,
        PromptTokens = response.Usage?.InputTokenCount,
        CompletionTokens = response.Usage?.OutputTokenCount,
        FinishReason = response.FinishReason?.Value,
    };

    /// <summary>A response marked as served from the cache (<see cref="ModelCallKeys.Cached"/>).</summary>
    public ChatResponse ToChatResponse() => new(new ChatMessage(ChatRole.Assistant, Text))
    {
        ModelId = ModelId,
        FinishReason = FinishReason is null ? null : new ChatFinishReason(FinishReason),
        Usage = PromptTokens is null && CompletionTokens is null
            ? null
            : new UsageDetails
            {
                InputTokenCount = PromptTokens,
                OutputTokenCount = CompletionTokens,
                TotalTokenCount = (PromptTokens ?? 0) + (CompletionTokens ?? 0),
            },
        AdditionalProperties = new AdditionalPropertiesDictionary { [ModelCallKeys.Cached] = true },
    };

    /// <summary>The stored form (snake_case JSON, UTF-8), for implementations that keep bytes.</summary>
    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, ModelsJsonContext.Default.CachedChatResponse);

    public static CachedChatResponse FromJsonBytes(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, ModelsJsonContext.Default.CachedChatResponse)
        ?? throw new JsonException("A cached model response is 'null'.");
}
