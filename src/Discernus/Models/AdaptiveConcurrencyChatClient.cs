using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// Holds a slot of the endpoint's <see cref="AdaptiveConcurrencyLimiter"/> for each attempt and tells it how the attempt
/// went: a 429 (not an exhausted quota) halves the limit, a success counts toward raising it. The gateway places it inside
/// the retries, so the back-off before a retry holds no slot.
/// </summary>
internal sealed class AdaptiveConcurrencyChatClient(IChatClient innerClient, AdaptiveConcurrencyLimiter limiter) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var lease = await limiter.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var outcome = AdaptiveConcurrencyLimiter.CallOutcome.Other;
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            outcome = AdaptiveConcurrencyLimiter.CallOutcome.Succeeded;
            return response;
        }
        catch (Exception ex) when (ProviderFailure.StatusCode(ex) == 429 && ProviderFailure.EndpointFailureOf(ex) is null)
        {
            outcome = AdaptiveConcurrencyLimiter.CallOutcome.RateLimited;
            throw;
        }
        finally
        {
            limiter.Release(lease, outcome);
        }
    }
}
