using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Discernus.Models;

/// <summary>
/// The Polly pipeline every call to one endpoint runs through, outermost first: a retry that decides, per failed
/// attempt, whether the call waits and tries again, then the endpoint's outage breaker (<see cref="EndpointOutage"/>),
/// then the attempt itself. The retry spends the retry budget (<c>DISCERNUS_MODEL_MAX_RETRIES</c>) only on failures of
/// this request; it waits without counting for what says "later", never "no": HTTP 429 (after its Retry-After, else a
/// doubling back-off) and an endpoint that is away (until the breaker lets the next probe through). Those waits end only
/// when they outlast the outage limit, and the call then fails with one message naming the endpoint and the cause.
/// </summary>
internal sealed class EndpointResilience
{
    // While a probe is in flight the breaker answers "broken" with no time to wait: look again after this.
    private static readonly TimeSpan ProbeInFlightPause = TimeSpan.FromMilliseconds(250);

    private readonly ModelGatewayOptions _options;
    private readonly int _maxRetries;
    private readonly TimeProvider _time;

    public EndpointResilience(EndpointOutage outage, ModelSettings settings, ModelGatewayOptions options, TimeProvider timeProvider)
    {
        Outage = outage;
        _options = options;
        _maxRetries = settings.MaxRetries;
        _time = timeProvider;
        Pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception, args.Context)),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(args.Outcome.Exception, args.Context)),
                OnRetry = args => NotifyAsync(args.Outcome.Exception, args.Context),
            })
            .AddCircuitBreaker(outage.BreakerOptions())
            .Build();
    }

    public EndpointOutage Outage { get; }

    public TimeProvider Time => _time;

    public ResiliencePipeline Pipeline { get; }

    private bool ShouldRetry(Exception? exception, ResilienceContext context)
    {
        if (exception is null || context.CancellationToken.IsCancellationRequested || ModelCallState.Of(context) is not { } call)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        if (exception is BrokenCircuitException)
        {
            call.AwaySince ??= now;
            return KeepsWaiting(call, now);
        }

        if (ProviderFailure.IsRateLimited(exception))
        {
            call.RateLimitedSince ??= now;
            call.RateLimitedInARow++;
            return now - call.RateLimitedSince.Value <= Outage.Limit;
        }

        call.RateLimitedSince = null;
        call.RateLimitedInARow = 0;
        if (ProviderFailure.IsUnreachable(exception))
        {
            // Never answered: a wrong address or a server not started, for the fail-fast breaker to report at once.
            if (!Outage.HasAnswered)
            {
                return false;
            }

            call.AwaySince ??= now;
            call.UnreachableInARow++;
            return KeepsWaiting(call, now);
        }

        if (!ProviderFailure.IsTransient(exception, context.CancellationToken))
        {
            return false;
        }

        // A failure of this request, unless the endpoint went away meanwhile (then the next attempt waits for it).
        call.TransientFailures++;
        if (call.TransientFailures <= _maxRetries)
        {
            return true;
        }

        if (!Outage.IsAway)
        {
            return false;
        }

        call.AwaySince ??= now;
        return KeepsWaiting(call, now);
    }

    /// <summary>
    /// A call waits for an absent endpoint until the outage has lasted longer than the limit; a call that starts after
    /// that (a resumed run meeting a breaker still open from the outage that stopped the last one) still waits for one
    /// probe, so that an endpoint that came back meanwhile is found.
    /// </summary>
    private bool KeepsWaiting(ModelCallState call, DateTimeOffset now) =>
        !Outage.Exceeded(call.AwaySince) || now - call.AwaySince!.Value <= _options.OutageMaxProbeInterval + ProbeInFlightPause;

    private TimeSpan Delay(Exception? exception, ResilienceContext context)
    {
        var call = ModelCallState.Of(context);
        if (exception is BrokenCircuitException broken)
        {
            // Wake when the breaker lets its next probe through; a little spread so the waiting calls do not all ask at once.
            var wait = broken.RetryAfter is { } after && after > TimeSpan.Zero ? after : ProbeInFlightPause;
            return wait + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 100));
        }

        if (exception is not null && ProviderFailure.IsRateLimited(exception))
        {
            // The provider knows best when it can take the next request; without a Retry-After, back off doubling.
            return ProviderFailure.RetryAfter(exception, _time) is { } asked
                ? Capped(asked)
                : Backoff(call?.RateLimitedInARow ?? 1);
        }

        if (exception is not null && ProviderFailure.IsUnreachable(exception))
        {
            // Until the breaker opens, connection failures come back at once: a short pause, not a flood.
            var pause = Backoff(call?.UnreachableInARow ?? 1);
            return pause < _options.OutageFirstProbe ? pause : _options.OutageFirstProbe;
        }

        return exception is not null && ProviderFailure.RetryAfter(exception, _time) is { } retryAfter
            ? Capped(retryAfter)
            : Backoff(call?.TransientFailures ?? 1);
    }

    private async ValueTask NotifyAsync(Exception? exception, ResilienceContext context)
    {
        if (exception is not BrokenCircuitException || ModelCallState.Of(context) is not { OutageReported: false } call)
        {
            return;
        }

        call.OutageReported = true;
        if (call.Observer is { } observer)
        {
            await observer.EndpointAwayAsync(Outage.Current(call.Model), context.CancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var delay = _options.RetryBaseDelay * Math.Pow(2, Math.Clamp(failures - 1, 0, 20));
        if (_options.UseJitter)
        {
            // Parallel calls that failed together do not retry together.
            delay *= 0.5 + Random.Shared.NextDouble();
        }

        return Capped(delay);
    }

    private TimeSpan Capped(TimeSpan delay) => delay < _options.MaxRetryDelay ? delay : _options.MaxRetryDelay;
}
