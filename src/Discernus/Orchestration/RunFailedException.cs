namespace Discernus.Orchestration;

/// <summary>A run cannot go on; the message is what the researcher reads in the manifest and the CLI.</summary>
internal sealed class RunFailedException(string message) : Exception(message);
