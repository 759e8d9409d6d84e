using Microsoft.Extensions.AI;
using Polly;

namespace Discernus.Models;

/// <summary>
/// Bounds one provider attempt with a Polly timeout pipeline (<c>DISCERNUS_MODEL_TIMEOUT_SECONDS</c>). It sits below the
/// rate limiter, so waiting for a permit never counts against the attempt, and below the interaction record, so a slow
/// attempt is recorded as "timed out" (a <see cref="Polly.Timeout.TimeoutRejectedException"/>), which the retry above treats as transient.
/// </summary>
internal sealed class AttemptTimeoutChatClient(IChatClient innerClient, ResiliencePipeline timeout) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await timeout.ExecuteAsync(
            async token => await InnerClient.GetResponseAsync(messages, options, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
}
