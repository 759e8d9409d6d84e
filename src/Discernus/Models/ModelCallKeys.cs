namespace Discernus.Models;

/// <summary>
/// Keys the gateway's own middleware and the agents put into <c>ChatOptions.AdditionalProperties</c> /
/// <c>ChatResponse.AdditionalProperties</c> to pass per-call facts inward or outward. They never reach a provider's
/// wire request and never change a cache key.
/// </summary>
internal static class ModelCallKeys
{
    /// <summary>The attempt number (1-based, int) set by <see cref="ResilientChatClient"/> on each attempt's options.</summary>
    public const string Attempt = "discernus.gateway.attempt";

    /// <summary>Set to true on a response served by <see cref="ArtifactCachingChatClient"/>.</summary>
    public const string Cached = "discernus.gateway.cached";

    /// <summary>On a fresh response: the response-cache key of its request, for <see cref="ResponseCacheCommit.CommitToCacheAsync"/>.</summary>
    public const string CacheKey = "discernus.gateway.cache_key";

    /// <summary>On a response: the provider requests the call made (int; 1 plus its retries, 0 when served from the cache).</summary>
    public const string Requests = "discernus.gateway.requests";

    /// <summary>On options: <see cref="CacheModes.Refresh"/> asks the model even when the cache holds an answer.</summary>
    public const string CacheMode = "discernus.gateway.cache_mode";

    /// <summary>On options: the agent, stage and task making the call, written into its interaction record.</summary>
    public const string CallerAgent = "discernus.gateway.caller_agent";

    public const string CallerStage = "discernus.gateway.caller_stage";

    /// <summary>On options: a <see cref="ModelCallTally"/> that counts this call's interactions for the task's result.</summary>
    public const string Tally = "discernus.gateway.tally";

    public const string CallerTask = "discernus.gateway.caller_task";

    /// <summary>On options: an <see cref="IEndpointOutageObserver"/> told when the call starts waiting out an outage of its endpoint.</summary>
    public const string OutageObserver = "discernus.gateway.outage_observer";

    /// <summary>On a response: <c>batch</c> when it came from the provider's batch API (billed at the batch price); absent for an interactive answer.</summary>
    public const string BillingMode = "discernus.gateway.billing_mode";

    /// <summary>
    /// On options: a <c>ChatResponse</c> the provider already gave for this very request (a batch answer), served by
    /// <see cref="PreparedAnswerChatClient"/> instead of a new request when the messages hash to its
    /// <see cref="PreparedPromptHash"/>.
    /// </summary>
    public const string PreparedAnswer = "discernus.gateway.prepared_answer";

    /// <summary>On a prepared answer: the <see cref="ChatRequestHasher.HashMessages"/> of the request it answers.</summary>
    public const string PreparedPromptHash = "discernus.gateway.prepared_prompt_hash";

    /// <summary>
    /// On options: the <see cref="Models.PromptDigest"/> of the messages sent with them, so the layers that hash or store
    /// the prompt (interaction records, the response cache key, the stored transcript) serialise it once.
    /// </summary>
    public const string PromptDigest = "discernus.gateway.prompt_digest";

    /// <summary>The <see cref="BillingMode"/> value of a batch answer.</summary>
    public const string BatchMode = "batch";

    public static bool IsInternal(string key) => key.StartsWith("discernus.gateway.", StringComparison.Ordinal);

    /// <summary>A string entry of <paramref name="properties"/>, or null.</summary>
    public static string? Text(Microsoft.Extensions.AI.AdditionalPropertiesDictionary? properties, string key) =>
        properties?.TryGetValue(key, out var value) == true ? value as string : null;
}
