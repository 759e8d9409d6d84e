using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// Serves a request whose key (SHA-256 of model, provider, endpoint, options and messages) is in the <see cref="IResponseCache"/> without
/// calling the model. It never stores an answer by itself: a fresh response carries its key
/// (<see cref="ModelCallKeys.CacheKey"/>) and the caller stores it with <see cref="ResponseCacheCommit.CommitToCacheAsync"/>
/// once the answer has passed its validation, so an invalid answer is never replayed. With
/// <see cref="ModelCallKeys.CacheMode"/> = <see cref="CacheModes.Refresh"/> the lookup is skipped. The gateway puts it
/// outermost, so a hit costs no rate-limit permit, no retry and no breaker check; a hit is recorded as an interaction with
/// <c>cached = true</c> and cost 0 and carries <see cref="ModelCallKeys.Cached"/> = true. Streaming bypasses the cache.
/// </summary>
internal sealed class ArtifactCachingChatClient(
    IChatClient innerClient,
    IResponseCache cache,
    ModelName model,
    Uri? endpoint,
    LlmInteractionRecorder? recorder) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var key = ChatRequestHasher.HashRequest(model, endpoint, options, list);
        if (ModelCallKeys.Text(options?.AdditionalProperties, ModelCallKeys.CacheMode) != CacheModes.Refresh)
        {
            var startedAt = recorder?.TimeProvider.GetUtcNow() ?? default;
            var start = recorder?.TimeProvider.GetTimestamp() ?? 0;
            if (await cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } hit)
            {
                var cached = hit.ToChatResponse();
                cached.AdditionalProperties![ModelCallKeys.CacheKey] = key;
                cached.AdditionalProperties[ModelCallKeys.Requests] = 0;
                if (recorder is not null)
                {
                    await recorder.RecordSuccessAsync(startedAt, start, list, options, cached, attempt: 1, cached: true, cancellationToken).ConfigureAwait(false);
                }

                return cached;
            }
        }

        var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        (response.AdditionalProperties ??= [])[ModelCallKeys.CacheKey] = key;
        return response;
    }

    /// <summary>Stores <paramref name="response"/> as the answer to the request with <paramref name="key"/>.</summary>
    public ValueTask CommitAsync(string key, ChatResponse response, CancellationToken cancellationToken) =>
        cache.SetAsync(key, CachedChatResponse.From(response), cancellationToken);
}
