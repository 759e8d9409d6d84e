using Microsoft.Extensions.AI;
using Polly;

namespace Discernus.Models;

/// <summary>
/// Runs each call through a Polly retry <see cref="ResiliencePipeline"/> (built by <see cref="ModelGateway"/>: only the
/// failures <see cref="ProviderFailure.IsTransient"/> accepts, after the provider's <c>Retry-After</c> when it sent one,
/// else exponential back-off with jitter). Each attempt gets its number in
/// <c>ChatOptions.AdditionalProperties[<see cref="ModelCallKeys.Attempt"/>]</c> for the interaction record, and the
/// response says how many requests the call took (<see cref="ModelCallKeys.Requests"/>). A call that still fails becomes
/// a <see cref="ModelCallException"/> with a message that says what to do; the caller's own cancellation is rethrown as
/// is. Streaming passes through without retries.
/// </summary>
internal sealed class ResilientChatClient(
    IChatClient innerClient,
    ResiliencePipeline pipeline,
    ModelName model,
    Uri endpoint,
    Func<string, string> redact) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var attempts = 0;
        try
        {
            var response = await pipeline.ExecuteAsync(
                async token =>
                {
                    var attemptOptions = options?.Clone() ?? new ChatOptions();
                    attemptOptions.AdditionalProperties = attemptOptions.AdditionalProperties is { } extra
                        ? new AdditionalPropertiesDictionary(extra)
                        : [];
                    attemptOptions.AdditionalProperties[ModelCallKeys.Attempt] = Interlocked.Increment(ref attempts);
                    return await InnerClient.GetResponseAsync(list, attemptOptions, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            (response.AdditionalProperties ??= [])[ModelCallKeys.Requests] = Volatile.Read(ref attempts);
            return response;
        }
        catch (Exception ex) when (ex is not ModelCallException && !cancellationToken.IsCancellationRequested)
        {
            throw Translate(ex, Volatile.Read(ref attempts), cancellationToken);
        }
    }

    private ModelCallException Translate(Exception ex, int attempts, CancellationToken cancellationToken)
    {
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
}
