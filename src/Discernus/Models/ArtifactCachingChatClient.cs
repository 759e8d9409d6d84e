using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// Serves a request whose key (SHA-256 of model, options and messages) is in the <see cref="IResponseCache"/> without
/// calling the model, and stores every new answer. The gateway puts it outermost, so a hit costs no rate-limit permit and
/// no retry; a hit is recorded as an interaction with <c>cached = true</c> and cost 0. Responses served from the cache carry
/// <c>AdditionalProperties["discernus.gateway.cached"] = true</c>. Streaming bypasses the cache.
/// </summary>
internal sealed class ArtifactCachingChatClient(
    IChatClient innerClient,
    IResponseCache cache,
    ModelName model,
    LlmInteractionRecorder? recorder) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var key = ChatRequestHasher.HashRequest(model, options, list);
        var startedAt = recorder?.TimeProvider.GetUtcNow() ?? default;
        var start = recorder?.TimeProvider.GetTimestamp() ?? 0;
        if (await cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } hit)
        {
            var cached = hit.ToChatResponse();
            if (recorder is not null)
            {
                await recorder.RecordSuccessAsync(startedAt, start, list, cached, attempt: 1, cached: true, cancellationToken).ConfigureAwait(false);
            }

            return cached;
        }

        var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        await cache.SetAsync(key, CachedChatResponse.From(response), cancellationToken).ConfigureAwait(false);
        return response;
    }
}
