namespace Discernus.Models;

/// <summary>
/// Told when a call starts waiting for an endpoint that is away (its breaker is open), once per call. An agent puts one
/// into the call's options (<see cref="ModelCallKeys.OutageObserver"/>) so that the run it works for learns of the
/// outage wherever the call runs; the gateway itself knows nothing of runs.
/// </summary>
internal interface IEndpointOutageObserver
{
    ValueTask EndpointAwayAsync(ModelOutage outage, CancellationToken cancellationToken);
}
