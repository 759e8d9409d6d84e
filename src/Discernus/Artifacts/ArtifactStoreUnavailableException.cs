namespace Discernus.Artifacts;

/// <summary>
/// The store could not be reached or refused the request: the message names where it is and what to check. An
/// <see cref="IOException"/>, so every place that turns an I/O failure into a failed run or a one-line error handles it.
/// </summary>
internal sealed class ArtifactStoreUnavailableException(string message, Exception? innerException = null) : IOException(message, innerException);
