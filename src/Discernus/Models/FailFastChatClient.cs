using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// Runs each call through the model's shared <see cref="ModelCircuitBreaker"/>. The gateway puts it inside the response
/// cache (a cached answer needs no endpoint) and outside the retries (a call counts once, however many attempts it took).
/// </summary>
internal sealed class FailFastChatClient(IChatClient innerClient, ModelCircuitBreaker breaker) : DelegatingChatClient(innerClient)
{
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        breaker.ExecuteAsync(token => InnerClient.GetResponseAsync(messages, options, token), cancellationToken);
}
