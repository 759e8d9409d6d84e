namespace Discernus.Models;

/// <summary>
/// Keys the gateway's own middleware put into <c>ChatOptions.AdditionalProperties</c> / <c>ChatResponse.AdditionalProperties</c>
/// to pass per-call facts inward or outward. They never reach a provider's wire request.
/// </summary>
internal static class ModelCallKeys
{
    /// <summary>The attempt number (1-based, int) set by <see cref="ResilientChatClient"/> on each attempt's options.</summary>
    public const string Attempt = "discernus.gateway.attempt";

    /// <summary>Set to true on a response served by <see cref="ArtifactCachingChatClient"/>.</summary>
    public const string Cached = "discernus.gateway.cached";

    public static bool IsInternal(string key) => key.StartsWith("discernus.gateway.", StringComparison.Ordinal);
}
