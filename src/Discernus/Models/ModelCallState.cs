using Polly;

namespace Discernus.Models;

/// <summary>
/// What the gateway's retry remembers about one call across its attempts (kept in the Polly
/// <see cref="ResilienceContext"/>): how many ordinary transient failures it had (bounded by
/// <c>DISCERNUS_MODEL_MAX_RETRIES</c>), since when it has been rate limited or waiting for an absent endpoint (bounded by
/// the outage limit, never by a count), and whether the run was told it waits.
/// </summary>
internal sealed class ModelCallState(string model, IEndpointOutageObserver? observer)
{
    public static readonly ResiliencePropertyKey<ModelCallState> Key = new("discernus.model_call");

    public string Model => model;

    public IEndpointOutageObserver? Observer => observer;

    /// <summary>Failures that count against the retry limit (5xx, time-outs, broken connections while the endpoint answers others).</summary>
    public int TransientFailures { get; set; }

    /// <summary>429s in a row, for the back-off when the provider names no wait.</summary>
    public int RateLimitedInARow { get; set; }

    public DateTimeOffset? RateLimitedSince { get; set; }

    /// <summary>When this call first found its endpoint away (no connection, or the breaker open).</summary>
    public DateTimeOffset? AwaySince { get; set; }

    /// <summary>Connection failures in a row while the breaker was still closed, for their short back-off.</summary>
    public int UnreachableInARow { get; set; }

    public bool OutageReported { get; set; }

    public static ModelCallState? Of(ResilienceContext context) =>
        context.Properties.TryGetValue(Key, out var state) ? state : null;
}
