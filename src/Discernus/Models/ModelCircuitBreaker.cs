using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;

namespace Discernus.Models;

/// <summary>
/// The fail-fast switch of one model, shared by every client of the gateway (so by every run of the process): a Polly
/// circuit breaker that counts only endpoint failures (<see cref="EndpointFailureKind"/>: no connection, DNS failure,
/// 401/403, 404, exhausted quota). When <see cref="ModelGatewayOptions.FailFastAfter"/> such failures fall within
/// <see cref="ModelGatewayOptions.FailFastWindow"/> with no success among them, it opens: every further call throws
/// <see cref="ModelEndpointUnusableException"/> at once, without a request, carrying one message built from the failure
/// that opened it. After <see cref="ModelGatewayOptions.FailFastBreak"/> one trial call may go through (a long-running
/// worker recovers once the endpoint is fixed). Transient failures and other 4xx neither count nor reset it.
/// </summary>
internal sealed class ModelCircuitBreaker
{
    private readonly ModelName _model;
    private readonly string _endpoint;
    private readonly int _threshold;
    private readonly Func<string, string> _redact;
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();
    // The last endpoint failure, noted before the breaker counts it: Polly reports the opening (OnOpened) only after
    // other callers can already see the circuit open, and a refusal must always name the failure that caused it.
    private volatile Trip? _trip;

    public ModelCircuitBreaker(ModelName model, Uri endpoint, ModelGatewayOptions options, TimeProvider timeProvider, Func<string, string> redact)
    {
        _model = model;
        _endpoint = ModelFailureAdvice.Display(endpoint);
        _threshold = options.FailFastAfter;
        _redact = redact;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && Remember(ex)),
                FailureRatio = 1.0,
                MinimumThroughput = options.FailFastAfter,
                SamplingDuration = options.FailFastWindow,
                BreakDuration = options.FailFastBreak,
                StateProvider = _state,
            })
            .Build();
    }

    /// <summary>True while calls fail at once.</summary>
    public bool IsOpen => _state.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>The failure every call gets while the breaker is open; null while calls go through.</summary>
    public ModelEndpointUnusableException? Refusal => IsOpen ? Unusable() : null;

    /// <summary>
    /// Counts a call that was made in another process (a task's child agent process) as if it had been made through this
    /// breaker: a success (<paramref name="failure"/> null) or the failure it ended with. Only endpoint failures count
    /// against the endpoint, as for calls made here.
    /// </summary>
    public async Task RecordAsync(Exception? failure, CancellationToken cancellationToken = default)
    {
        try
        {
            await ExecuteAsync(_ => failure is null ? Task.FromResult(new ChatResponse()) : Task.FromException<ChatResponse>(failure), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex == failure || ex is ModelEndpointUnusableException)
        {
            // Counted (or the breaker was already open): the caller asks Refusal what follows.
            return;
        }
    }

    public async Task<ChatResponse> ExecuteAsync(Func<CancellationToken, Task<ChatResponse>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async token => await call(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException)
        {
            throw Unusable();
        }
    }

    private ModelEndpointUnusableException Unusable()
    {
        var trip = _trip ?? new Trip(EndpointFailureKind.CannotConnect, "the endpoint failed repeatedly");
        var message = _redact(
            $"The model endpoint {_endpoint} ({_model}) is unusable: {trip.Description} ({_threshold} calls in a row failed this way). " +
            $"{ModelFailureAdvice.ForEndpoint(_model, trip.Kind, _endpoint)} Every further call to it fails at once, so the run stops here; " +
            "documents not yet analysed keep no result and can be analysed once the endpoint works.");
        return new ModelEndpointUnusableException(_model.ToString(), _endpoint, trip.Kind, message);
    }

    private bool Remember(Exception exception)
    {
        if (ProviderFailure.EndpointFailureOf(exception) is not { } kind)
        {
            return false;
        }

        _trip = new Trip(kind, exception is ModelCallException call ? StripModelPrefix(call.Message) : ProviderFailure.Describe(exception));
        return true;
    }

    // ModelCallException messages start "The model 'x' failed after 1 attempt: "; the breaker's message names the model itself.
    private static string StripModelPrefix(string message)
    {
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        var text = colon >= 0 && message.StartsWith("The model ", StringComparison.Ordinal) ? message[(colon + 2)..] : message;
        var fix = text.IndexOf(". ", StringComparison.Ordinal);
        return (fix >= 0 ? text[..fix] : text).TrimEnd('.');
    }

    private sealed record Trip(EndpointFailureKind Kind, string Description);
}
