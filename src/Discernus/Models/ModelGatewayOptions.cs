namespace Discernus.Models;

/// <summary>
/// Tuning of the gateway that does not come from the environment (that is <see cref="ModelSettings"/>):
/// the back-off of retries, the circuit breaker that stops calls to an unusable endpoint, the adaptive concurrency
/// bound and the default answer length.
/// </summary>
internal sealed record ModelGatewayOptions
{
    /// <summary>Delay before the first retry; it doubles on each further retry (with jitter).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound of any single back-off delay, including one a provider asks for with <c>Retry-After</c>.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Randomise back-off delays so parallel agents that failed together do not retry together.</summary>
    public bool UseJitter { get; init; } = true;

    /// <summary>Answer length limit sent to Anthropic, whose API requires one; other providers use their own default unless the caller sets one.</summary>
    public int DefaultMaxOutputTokens { get; init; } = 8192;

    /// <summary>Endpoint failures (<see cref="EndpointFailureKind"/>) with no success in between that open a model's circuit breaker.</summary>
    public int FailFastAfter { get; init; } = 3;

    /// <summary>The window in which those failures must fall (Polly's sampling duration).</summary>
    public TimeSpan FailFastWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open breaker fails every call at once before it lets one trial call through.</summary>
    public TimeSpan FailFastBreak { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Upper bound of the calls in flight per provider endpoint; halved on an overload of HTTP 429s, then raised by one per round of successes.</summary>
    public int MaxConcurrentCalls { get; init; } = 256;

    /// <summary>
    /// Calls in flight per endpoint at start-up (slow start): each answered call raises the bound by one (it doubles per
    /// round trip) until the first overload of 429s, so a cold start never opens every loop at once against a provider's limit.
    /// </summary>
    public int InitialConcurrentCalls { get; init; } = 8;

    /// <summary>Share of an endpoint's recent attempts that must fail as an absent endpoint would (no connection, 5xx, time-out) to open its outage breaker.</summary>
    public double OutageFailureRatio { get; init; } = 0.5;

    /// <summary>
    /// The recent window that share is measured over (Polly's sampling duration): short, so that the successes from just
    /// before an outage stop counting within seconds and the failures that follow open the breaker.
    /// </summary>
    public TimeSpan OutageWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Attempts the window needs at least before it can open the outage breaker (a streak of this many failures opens it).</summary>
    public int OutageMinimumThroughput { get; init; } = 4;

    /// <summary>How long an endpoint's outage breaker stays open before its first probe; each failed probe doubles it.</summary>
    public TimeSpan OutageFirstProbe { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest interval between two probes of an endpoint that is away.</summary>
    public TimeSpan OutageMaxProbeInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Answer tokens assumed for a call without <c>MaxOutputTokens</c> when it waits for the tokens-per-minute limit; corrected by the real count afterwards.</summary>
    public int CompletionTokenAllowance { get; init; } = 1024;

    /// <summary>Offline models registered by the host (<c>lexicon</c> by every host of the library, <c>minilm</c> by the CLI); a name without one here is a configuration error.</summary>
    public IReadOnlyList<IOfflineModel> OfflineModels { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public void Validate()
    {
        if (RetryBaseDelay <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(RetryBaseDelay)} must be positive.");
        }

        if (MaxRetryDelay < RetryBaseDelay)
        {
            throw new ArgumentException($"{nameof(MaxRetryDelay)} must be at least {nameof(RetryBaseDelay)}.");
        }

        if (FailFastAfter < 2)
        {
            throw new ArgumentException($"{nameof(FailFastAfter)} must be at least 2 (Polly's minimum throughput).");
        }

        if (FailFastWindow < TimeSpan.FromMilliseconds(500) || FailFastBreak < TimeSpan.FromMilliseconds(500) || FailFastBreak > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"{nameof(FailFastWindow)} must be at least 0.5 s and {nameof(FailFastBreak)} between 0.5 s and 1 day.");
        }

        if (MaxConcurrentCalls < 1 || CompletionTokenAllowance < 1)
        {
            throw new ArgumentException($"{nameof(MaxConcurrentCalls)} and {nameof(CompletionTokenAllowance)} must be at least 1.");
        }

        if (InitialConcurrentCalls < 1 || InitialConcurrentCalls > MaxConcurrentCalls)
        {
            throw new ArgumentException($"{nameof(InitialConcurrentCalls)} must be between 1 and {nameof(MaxConcurrentCalls)}.");
        }

        if (OutageFailureRatio is <= 0 or > 1 || OutageMinimumThroughput < 2 || OutageWindow < TimeSpan.FromMilliseconds(500))
        {
            throw new ArgumentException($"{nameof(OutageFailureRatio)} must be in (0, 1], {nameof(OutageMinimumThroughput)} at least 2 and {nameof(OutageWindow)} at least 0.5 s.");
        }

        if (OutageFirstProbe < TimeSpan.FromMilliseconds(500) || OutageMaxProbeInterval < OutageFirstProbe)
        {
            throw new ArgumentException($"{nameof(OutageFirstProbe)} must be at least 0.5 s (Polly's shortest break) and {nameof(OutageMaxProbeInterval)} at least that.");
        }

        if (DefaultMaxOutputTokens < 1)
        {
            throw new ArgumentException($"{nameof(DefaultMaxOutputTokens)} must be at least 1.");
        }
    }
}
