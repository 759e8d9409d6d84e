namespace Discernus.Models;

/// <summary>
/// A model call that failed for good: a non-transient provider error, or transient errors that outlasted the retries.
/// The message names the model, the attempts, the provider's status and, where the user can act, the fix;
/// configured API keys are redacted from it.
/// </summary>
internal sealed class ModelCallException(string model, int attempts, int? statusCode, bool isTransient, string message, Exception? innerException)
    : Exception(message, innerException)
{
    public string Model { get; } = model;
    public int Attempts { get; } = attempts;
    public int? StatusCode { get; } = statusCode;
    /// <summary>True when the last failure was transient (the retries ran out); a later run may succeed.</summary>
    public bool IsTransient { get; } = isTransient;
}
