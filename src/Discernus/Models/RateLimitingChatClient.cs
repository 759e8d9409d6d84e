using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// Waits for the endpoint's <see cref="ModelRateLimiter"/> before each attempt (the gateway places it inside the retry
/// middleware, so every retry waits too) and settles the token estimate with the usage the provider reports. The
/// limiter is shared by every client of one endpoint and owned by the gateway.
/// </summary>
internal sealed class RateLimitingChatClient(IChatClient innerClient, ModelRateLimiter limiter, int completionAllowance) : DelegatingChatClient(innerClient)
{
    private const double CharactersPerToken = 4.0;

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var estimate = limiter.LimitsTokens ? Estimate(list, options) : 0;
        var taken = await limiter.AcquireAsync(estimate, cancellationToken).ConfigureAwait(false);
        // A failed attempt still counts against the provider's limit, so its estimate stays taken.
        var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        var used = response.Usage is { } usage ? (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0) : (long?)null;
        await limiter.SettleAsync(taken, used, CancellationToken.None).ConfigureAwait(false);
        return response;
    }

    private long Estimate(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        long characters = 0;
        foreach (var message in messages)
        {
            characters += message.Text?.Length ?? 0;
        }

        return (long)Math.Ceiling(characters / CharactersPerToken) + (options?.MaxOutputTokens ?? completionAllowance);
    }
}
