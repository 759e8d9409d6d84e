namespace Discernus.Coordination;

/// <summary>
/// The coordination server cannot be reached, or stayed unreachable longer than the outage limit; the message names
/// it (without credentials), how long it was gone and the fix.
/// </summary>
internal sealed class CoordinationUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
