using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;

namespace Discernus.Models;

/// <summary>
/// Runs each call through its endpoint's <see cref="EndpointResilience"/> pipeline (built by <see cref="ModelGateway"/>:
/// retries of failures of this request after the provider's <c>Retry-After</c> when it sent one, else exponential
/// back-off with jitter; waits without limit of count for 429s and for an endpoint that is away; the endpoint's outage
/// breaker). Each attempt that reaches the provider gets its number in
/// <c>ChatOptions.AdditionalProperties[<see cref="ModelCallKeys.Attempt"/>]</c> for the interaction record, and the
/// response says how many requests the call took (<see cref="ModelCallKeys.Requests"/>). A call that still fails becomes
/// a <see cref="ModelCallException"/> with a message that says what to do, or, when it waited for its endpoint longer
/// than the outage limit, a <see cref="ModelEndpointUnusableException"/> (the run stops, resumable); the caller's own
/// cancellation is rethrown as is. Streaming passes through without retries.
/// </summary>
internal sealed class ResilientChatClient(
    IChatClient innerClient,
    EndpointResilience resilience,
    ModelName model,
    Uri endpoint,
    Func<string, string> redact) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var attempts = 0;
        var call = new ModelCallState(model.ToString(), options?.AdditionalProperties?.TryGetValue(ModelCallKeys.OutageObserver, out var observer) == true ? observer as IEndpointOutageObserver : null);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(ModelCallState.Key, call);
        try
        {
            var response = await resilience.Pipeline.ExecuteAsync(
                async (ctx, _) =>
                {
                    var attemptOptions = options?.Clone() ?? new ChatOptions();
                    attemptOptions.AdditionalProperties = attemptOptions.AdditionalProperties is { } extra
                        ? new AdditionalPropertiesDictionary(extra)
                        : [];
                    attemptOptions.AdditionalProperties[ModelCallKeys.Attempt] = Interlocked.Increment(ref attempts);
                    try
                    {
                        var answer = await InnerClient.GetResponseAsync(list, attemptOptions, ctx.CancellationToken).ConfigureAwait(false);
                        resilience.Outage.MarkAnswered();
                        return answer;
                    }
                    catch (Exception ex) when (!ProviderFailure.IsAway(ex, ctx.CancellationToken) && !ProviderFailure.IsUnreachable(ex) && ProviderFailure.StatusCode(ex) is not null)
                    {
                        // A 4xx (429 included) is an answer too: the endpoint is there.
                        resilience.Outage.MarkAnswered();
                        throw;
                    }
                },
                context,
                0).ConfigureAwait(false);
            (response.AdditionalProperties ??= [])[ModelCallKeys.Requests] = Volatile.Read(ref attempts);
            return response;
        }
        catch (Exception ex) when (ex is not ModelCallException and not ModelEndpointUnusableException && !cancellationToken.IsCancellationRequested)
        {
            throw Translate(ex, call, Volatile.Read(ref attempts), cancellationToken);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Exception Translate(Exception ex, ModelCallState call, int attempts, CancellationToken cancellationToken)
    {
        var outage = resilience.Outage;
        if (ex is BrokenCircuitException || (call.AwaySince is not null && outage.Exceeded(call.AwaySince)))
        {
            var cause = ex is BrokenCircuitException ? outage.Cause : redact(ProviderFailure.Describe(ex));
            var since = outage.Since ?? call.AwaySince;
            var away = since is { } s ? (resilience.Time.GetUtcNow() - s).TotalSeconds : outage.Limit.TotalSeconds;
            return Unusable(EndpointFailureKind.Unreachable,
                $"Model endpoint {outage.Endpoint} ({model}) unreachable for {away:F0} s, longer than {ModelSettings.OutageLimitVariable} ({outage.Limit.TotalSeconds:F0} s) allows: {cause}. The run stops here; its documents without a result keep none.");
        }

        if (call.RateLimitedSince is not null && ProviderFailure.IsRateLimited(ex))
        {
            return Unusable(EndpointFailureKind.RateLimited,
                $"Model endpoint {outage.Endpoint} ({model}) answered only HTTP 429 (rate limited) for longer than {ModelSettings.OutageLimitVariable} ({outage.Limit.TotalSeconds:F0} s) allows: {redact(ProviderFailure.Describe(ex))}. The run stops here; its documents without a result keep none.");
        }

        var status = ProviderFailure.StatusCode(ex);
        var transient = ProviderFailure.IsTransient(ex, cancellationToken);
        var endpointFailure = ProviderFailure.EndpointFailureOf(ex);
        var what = ProviderFailure.Describe(ex);
        var tries = attempts == 1 ? "1 attempt" : $"{attempts} attempts";
        var fix = endpointFailure is { } kind
            ? ModelFailureAdvice.ForEndpoint(model, kind, ModelFailureAdvice.Display(endpoint))
            : ModelFailureAdvice.ForStatus(model, status, transient);
        var message = redact($"The model '{model}' failed after {tries}: {what}.{(fix.Length > 0 ? " " + fix : "")}");

        // Keep the provider's exception for diagnosis only when it carries no secret anywhere in its text.
        var full = ex.ToString();
        var inner = redact(full) == full ? ex : null;
        return new ModelCallException(model.ToString(), attempts, status, transient, message, inner, endpointFailure);
    }

    private ModelEndpointUnusableException Unusable(EndpointFailureKind kind, string text) =>
        new(model.ToString(), resilience.Outage.Endpoint, kind, redact($"{text} {ModelFailureAdvice.ForEndpoint(model, kind, resilience.Outage.Endpoint)}"));
}
