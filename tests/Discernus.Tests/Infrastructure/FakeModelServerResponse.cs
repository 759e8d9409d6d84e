namespace Discernus.Tests.Infrastructure;

/// <summary>
/// What <see cref="FakeModelServer"/> answers: either a model answer (rendered in the wire format of the endpoint that was
/// called) or an HTTP fault, optionally after a delay.
/// </summary>
public sealed record FakeModelServerResponse
{
    public string? Text { get; init; }
    public int PromptTokens { get; init; } = 10;
    public int CompletionTokens { get; init; } = 5;
    /// <summary>
    /// Of <see cref="PromptTokens"/>, those read from the provider's prompt cache: OpenAI's
    /// <c>usage.prompt_tokens_details.cached_tokens</c>, Anthropic's <c>cache_read_input_tokens</c> (which Anthropic
    /// counts outside <c>input_tokens</c>: the server reports <c>input_tokens</c> as the rest).
    /// </summary>
    public int CachedPromptTokens { get; init; }
    /// <summary>Of <see cref="PromptTokens"/>, those written to Anthropic's prompt cache (<c>cache_creation_input_tokens</c>); OpenAI has no such count.</summary>
    public int CacheWriteTokens { get; init; }
    /// <summary>0 for an answer; otherwise the HTTP status of a fault.</summary>
    public int FaultStatus { get; init; }
    public string FaultMessage { get; init; } = "scripted fault";
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    /// <summary>The model id the answer names (a provider's dated version); the requested model when null.</summary>
    public string? ModelId { get; init; }
    /// <summary>Delay before the server answers (simulated provider latency).</summary>
    public TimeSpan Latency { get; init; }

    public bool IsFault => FaultStatus != 0;

    public static FakeModelServerResponse Answer(string text, int promptTokens = 10, int completionTokens = 5) =>
        new() { Text = text, PromptTokens = promptTokens, CompletionTokens = completionTokens };

    public static FakeModelServerResponse Fault(int status, string message = "scripted fault") =>
        new() { FaultStatus = status, FaultMessage = message };
}
