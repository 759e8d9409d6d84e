namespace Discernus.Models;

/// <summary>
/// A model name or model setting that cannot work (unknown provider, missing API key, bad number).
/// Raised before any model call; the message names the fix and never contains a secret.
/// </summary>
public sealed class ModelConfigurationException(string message) : Exception(message);
