namespace Discernus.Models;

/// <summary>
/// Failures that say the endpoint itself is unusable, so every further call would fail the same way: they are never
/// retried, and a few in a row open the model's circuit breaker (<see cref="ModelCircuitBreaker"/>), which stops the run.
/// An endpoint that has answered before and then cannot be reached is away, not unusable: its calls wait
/// (<see cref="EndpointOutage"/>) and only an outage longer than the limit ends them, as <see cref="Unreachable"/>.
/// </summary>
internal enum EndpointFailureKind
{
    /// <summary>Nothing listens at the address (connection refused, host or network unreachable).</summary>
    CannotConnect,
    /// <summary>The host name does not resolve (DNS failure).</summary>
    HostNotFound,
    /// <summary>HTTP 401 or 403: the key is missing, wrong or not allowed to use the model.</summary>
    Unauthorized,
    /// <summary>HTTP 404: the model id (or the base URL's path) is unknown to the provider.</summary>
    UnknownModel,
    /// <summary>The account's quota or credit is exhausted (HTTP 402, 429 insufficient_quota, "credit balance is too low").</summary>
    QuotaExhausted,
    /// <summary>The endpoint answered before, then stopped (no connection, server errors, time-outs) for longer than the outage limit.</summary>
    Unreachable,
    /// <summary>The endpoint answered every request with HTTP 429 (rate limited) for longer than the outage limit.</summary>
    RateLimited,
}
