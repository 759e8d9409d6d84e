using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;

namespace Discernus.Models;

/// <summary>
/// Whether one provider endpoint is away, shared by every call of the process to it: a Polly circuit breaker on the
/// endpoint's <em>recent</em> attempts (<see cref="ModelGatewayOptions.OutageFailureRatio"/> of them failing as an
/// absent endpoint fails, in <see cref="ModelGatewayOptions.OutageWindow"/>, at least
/// <see cref="ModelGatewayOptions.OutageMinimumThroughput"/> of them, so a streak opens it however many successes came
/// before). While it is open no request is sent: calls wait (the gateway's retry sleeps until the next probe), one
/// request probes the endpoint after <see cref="ModelGatewayOptions.OutageFirstProbe"/>, doubling after each failed
/// probe up to <see cref="ModelGatewayOptions.OutageMaxProbeInterval"/>, and the first answer closes it for everyone.
/// Only an endpoint that has answered this process once counts as away: one that never answered (a wrong address, a
/// server not started) is a configuration error, left to the fail-fast <see cref="ModelCircuitBreaker"/>.
/// </summary>
internal sealed class EndpointOutage
{
    private readonly string _endpoint;
    private readonly ModelGatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly Lock _gate = new();
    private int _answered;
    private DateTimeOffset? _since;
    private string? _cause;
    private string _lastFailure = "the endpoint stopped answering";
    private bool _announced;

    public EndpointOutage(Uri endpoint, ModelGatewayOptions options, TimeSpan limit, TimeProvider timeProvider, Func<string, string> redact, ILogger? logger = null)
    {
        _endpoint = ModelFailureAdvice.Display(endpoint);
        _options = options;
        Limit = limit;
        _time = timeProvider;
        Redact = redact;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The endpoint as shown to users (no credentials).</summary>
    public string Endpoint => _endpoint;

    /// <summary>How long calls wait for the endpoint before they fail (<c>DISCERNUS_MODEL_OUTAGE_LIMIT_SECONDS</c>).</summary>
    public TimeSpan Limit { get; }

    public Func<string, string> Redact { get; }

    /// <summary>True once any call to the endpoint got an answer (any HTTP answer but a server error).</summary>
    public bool HasAnswered => Volatile.Read(ref _answered) == 1;

    /// <summary>True while the breaker is open or probing: calls wait instead of sending.</summary>
    public bool IsAway => _state.CircuitState is CircuitState.Open or CircuitState.HalfOpen;

    /// <summary>When the current outage began (this process's breaker opened), or null while the endpoint answers.</summary>
    public DateTimeOffset? Since { get { lock (_gate) { return _since; } } }

    /// <summary>The failure that opened the breaker, as shown to users.</summary>
    public string Cause { get { lock (_gate) { return _cause ?? _lastFailure; } } }

    /// <summary>Notes that the endpoint answered; from then on, its failures to answer are an outage to wait out.</summary>
    public void MarkAnswered() => Volatile.Write(ref _answered, 1);

    /// <summary>The current outage for a message or a run's record; starts it now if the breaker is open and no start was noted yet.</summary>
    public ModelOutage Current(string model)
    {
        lock (_gate)
        {
            _since ??= _time.GetUtcNow();
            return new ModelOutage(model, _endpoint, _cause ?? _lastFailure, _since.Value);
        }
    }

    /// <summary>True when the outage has lasted longer than the limit: waiting calls give up.</summary>
    public bool Exceeded(DateTimeOffset? callAwaySince = null)
    {
        var since = Since ?? callAwaySince;
        return since is { } s && _time.GetUtcNow() - s > Limit;
    }

    /// <summary>The breaker strategy of this endpoint (one instance, so its state is shared by every call).</summary>
    public CircuitBreakerStrategyOptions BreakerOptions() => new()
    {
        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && HasAnswered && Remember(ex, args.Context.CancellationToken)),
        FailureRatio = _options.OutageFailureRatio,
        MinimumThroughput = _options.OutageMinimumThroughput,
        SamplingDuration = _options.OutageWindow,
        BreakDuration = _options.OutageFirstProbe,
        // Probe at a growing interval: an endpoint down for minutes costs a handful of requests per process, not one per task.
        BreakDurationGenerator = args => ValueTask.FromResult(ProbeInterval(args.HalfOpenAttempts)),
        StateProvider = _state,
        OnOpened = _ => Opened(),
        OnClosed = _ => Closed(),
    };

    private TimeSpan ProbeInterval(int failedProbes)
    {
        var interval = _options.OutageFirstProbe * Math.Pow(2, Math.Min(failedProbes, 20));
        return interval < _options.OutageMaxProbeInterval ? interval : _options.OutageMaxProbeInterval;
    }

    private bool Remember(Exception exception, CancellationToken token)
    {
        if (!ProviderFailure.IsAway(exception, token))
        {
            return false;
        }

        var description = Redact(ProviderFailure.Describe(exception));
        lock (_gate)
        {
            _lastFailure = description;
        }

        return true;
    }

    private ValueTask Opened()
    {
        bool announce;
        DateTimeOffset since;
        string cause;
        lock (_gate)
        {
            _since ??= _time.GetUtcNow();
            _cause ??= _lastFailure;
            announce = !_announced;
            _announced = true;
            (since, cause) = (_since.Value, _cause);
        }

        if (announce)
        {
            // Information, not a warning: a run prints its own notice of the outage, once, whichever process waits.
            _logger.LogInformation(
                "Model endpoint unreachable, waiting: {Endpoint} ({Cause}) since {Since:O}; every call to it waits while one request probes it at a growing interval, for up to {LimitSeconds:F0} s ({Variable})",
                _endpoint, cause, since, Limit.TotalSeconds, ModelSettings.OutageLimitVariable);
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask Closed()
    {
        DateTimeOffset? since;
        bool announced;
        lock (_gate)
        {
            (since, announced) = (_since, _announced);
            _since = null;
            _cause = null;
            _announced = false;
        }

        if (announced && since is { } s)
        {
            _logger.LogInformation("Model endpoint {Endpoint} answers again after {Seconds:F0} s; the calls that waited go on", _endpoint, (_time.GetUtcNow() - s).TotalSeconds);
        }

        return ValueTask.CompletedTask;
    }
}
