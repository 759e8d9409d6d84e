using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// How a caller stores an answer it has accepted: the gateway's cache holds only answers that passed the caller's
/// validation. A client without a cache (lexicon, tests) ignores the commit.
/// </summary>
internal static class ResponseCacheCommit
{
    /// <summary>The cache key of the request behind <paramref name="response"/>, or null when no cache saw it.</summary>
    public static string? CacheKeyOf(ChatResponse response) => ModelCallKeys.Text(response.AdditionalProperties, ModelCallKeys.CacheKey);

    /// <summary>True when the response came from the cache rather than the model.</summary>
    /// <summary>How the answer was billed: <see cref="BillingMode.Batch"/> when it came from the provider's batch API.</summary>
    public static BillingMode BillingModeOf(ChatResponse response) =>
        ModelCallKeys.Text(response.AdditionalProperties, ModelCallKeys.BillingMode) == ModelCallKeys.BatchMode ? BillingMode.Batch : BillingMode.Interactive;

    public static bool IsCached(ChatResponse response) =>
        response.AdditionalProperties?.TryGetValue(ModelCallKeys.Cached, out var cached) == true && cached is true;

    /// <summary>
    /// Stores <paramref name="accepted"/> under <paramref name="cacheKey"/>: normally the key of the request that produced
    /// it; after a validation retry, the key of the first request, so the next run with the same inputs gets the accepted
    /// answer without a call. Does nothing for a cached answer, a null key or a client without a cache.
    /// </summary>
    public static async ValueTask<bool> CommitToCacheAsync(this IChatClient client, string? cacheKey, ChatResponse accepted, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(accepted);
        if (cacheKey is null || (IsCached(accepted) && CacheKeyOf(accepted) == cacheKey) || client.GetService<ArtifactCachingChatClient>() is not { } cache)
        {
            return false;
        }

        await cache.CommitAsync(cacheKey, accepted, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
