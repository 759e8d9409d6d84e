namespace Discernus.Models;

/// <summary>
/// A model call that failed for good: a non-transient provider error, or transient errors that outlasted the retries.
/// The message names the model, the attempts, the provider's status and, where the user can act, the fix;
/// configured API keys are redacted from it.
/// </summary>
internal sealed class ModelCallException(
    string model, int attempts, int? statusCode, bool isTransient, string message, Exception? innerException, EndpointFailureKind? endpointFailure = null)
    : Exception(message, innerException)
{
    public string Model { get; } = model;
    public int Attempts { get; } = attempts;
    public int? StatusCode { get; } = statusCode;
    /// <summary>True when the last failure was transient (the retries ran out); a later run may succeed.</summary>
    public bool IsTransient { get; } = isTransient;
    /// <summary>
    /// Set when the failure says the endpoint is unusable for every call (no connection, bad key, unknown model,
    /// exhausted quota): nothing about this task was wrong, and a few of these in a row stop the run.
    /// </summary>
    public EndpointFailureKind? EndpointFailure { get; } = endpointFailure;
}
