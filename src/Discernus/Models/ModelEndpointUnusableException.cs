namespace Discernus.Models;

/// <summary>
/// Thrown at once, without any request, by every call to a model whose circuit breaker is open: the endpoint failed
/// several calls in a row in a way no retry can fix (<see cref="EndpointFailureKind"/>). The message is one paragraph
/// naming the endpoint, the error and the fix. Agents turn it into a run-stopping outcome
/// (<c>AgentOutcome.StopRun</c>) and the Orchestrator stops the run with this message; the documents not yet analysed
/// stay without a result, so the run can be resumed once the endpoint is fixed.
/// </summary>
internal sealed class ModelEndpointUnusableException(string model, string endpoint, EndpointFailureKind kind, string message)
    : Exception(message)
{
    public string Model { get; } = model;

    /// <summary>The base URL the calls went to (without credentials).</summary>
    public string Endpoint { get; } = endpoint;

    public EndpointFailureKind Kind { get; } = kind;
}
