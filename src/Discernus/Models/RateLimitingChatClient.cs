using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// Waits for a permit from a <see cref="RateLimiter"/> before each call (and each retry attempt, as the gateway places it
/// inside the retry middleware). The limiter is shared by every client of one provider and owned by whoever created it.
/// </summary>
internal sealed class RateLimitingChatClient(IChatClient innerClient, RateLimiter limiter) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("The model request queue is full; too many calls are waiting for the rate limit.");
        }

        return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("The model request queue is full; too many calls are waiting for the rate limit.");
        }

        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }
}
