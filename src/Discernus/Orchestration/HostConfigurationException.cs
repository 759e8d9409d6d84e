namespace Discernus.Orchestration;

/// <summary>A setting the host cannot work with; the message names the variable and a valid value.</summary>
public sealed class HostConfigurationException(string message) : Exception(message);
