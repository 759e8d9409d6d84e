namespace Discernus.Orchestration;

/// <summary>The coordination server cannot be reached; the message names it (without credentials) and the fix.</summary>
public sealed class CoordinationUnavailableException(string message) : Exception(message);
