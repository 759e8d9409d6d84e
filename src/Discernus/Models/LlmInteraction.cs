using System.Text.Json.Serialization;

namespace Discernus.Models;

/// <summary>
/// One model call as written to <c>logs/llm_interactions.jsonl</c>: one record per provider attempt
/// (a retried call gives one record per attempt, each with its <see cref="Attempt"/> and <see cref="Error"/>)
/// and one record, with <see cref="Cached"/> set, for an answer served from the response cache.
/// Hashes are lowercase hex SHA-256; no prompt text, answer text or secret is stored here.
/// </summary>
internal sealed record LlmInteraction
{
    /// <summary>UTC start of the call.</summary>
    [JsonPropertyName("timestamp"), JsonConverter(typeof(UtcTimestampJsonConverter))] public required DateTimeOffset Timestamp { get; init; }
    /// <summary>The full model name, e.g. <c>openai/gpt-4o-mini</c>.</summary>
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("provider")] public required string Provider { get; init; }
    /// <summary>SHA-256 of the serialized messages (see <see cref="ChatRequestHasher.HashMessages"/>).</summary>
    [JsonPropertyName("prompt_hash")] public required string PromptHash { get; init; }
    /// <summary>SHA-256 of the UTF-8 answer text; null when the call failed.</summary>
    [JsonPropertyName("answer_hash")] public string? AnswerHash { get; init; }
    [JsonPropertyName("prompt_tokens")] public long? PromptTokens { get; init; }
    [JsonPropertyName("completion_tokens")] public long? CompletionTokens { get; init; }
    /// <summary>
    /// Of <see cref="PromptTokens"/>, those the provider read from its prompt cache, as it reported them (OpenAI
    /// <c>usage.prompt_tokens_details.cached_tokens</c>, Anthropic <c>cache_read_input_tokens</c>); null when it said nothing.
    /// </summary>
    [JsonPropertyName("cached_input_tokens")] public long? CachedInputTokens { get; init; }
    /// <summary>Of <see cref="PromptTokens"/>, those the provider wrote to its prompt cache (Anthropic <c>cache_creation_input_tokens</c>); null when it said nothing.</summary>
    [JsonPropertyName("cache_write_tokens")] public long? CacheWriteTokens { get; init; }
    [JsonPropertyName("duration_ms")] public required long DurationMs { get; init; }
    /// <summary>Cost from the price table; null when the model has no known price, 0 for lexicon and cache hits.</summary>
    [JsonPropertyName("cost_usd")] public decimal? CostUsd { get; init; }
    [JsonPropertyName("cached")] public required bool Cached { get; init; }
    /// <summary><c>interactive</c> (one request) or <c>batch</c> (an answer from the provider's batch API): the price it was billed at.</summary>
    [JsonPropertyName("mode")] public string Mode { get; init; } = Modes.Interactive;
    /// <summary>1 for the first attempt, 2 for the first retry, ...</summary>
    [JsonPropertyName("attempt")] public required int Attempt { get; init; }
    /// <summary>What went wrong, with secrets redacted; null on success.</summary>
    [JsonPropertyName("error")] public string? Error { get; init; }
    /// <summary>The agent that made the call (e.g. <c>AnalyseDocumentAgent</c>); null when the caller did not say.</summary>
    [JsonPropertyName("caller_agent")] public string? CallerAgent { get; init; }
    /// <summary>The run stage the call belongs to (e.g. <c>batch_analysis</c>); null when the caller did not say.</summary>
    [JsonPropertyName("caller_stage")] public string? CallerStage { get; init; }
    /// <summary>The task the call served; null when the caller did not say.</summary>
    [JsonPropertyName("task_id")] public string? TaskId { get; init; }
    /// <summary>Ties a provider request to the <see cref="LlmCallStart"/> sent before it (null for cache hits and offline models).</summary>
    [JsonPropertyName("call_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CallId { get; init; }

    /// <summary>The values of <see cref="Mode"/>.</summary>
    public static class Modes
    {
        public const string Interactive = "interactive";
        public const string Batch = "batch";
    }
}
