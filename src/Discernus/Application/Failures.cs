using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Models;

namespace Discernus.Application;

/// <summary>Which failures a front end says in one line: those a person can act on from the message alone; anything else is a bug to report.</summary>
public static class Failures
{
    /// <summary>A store's settings or content, a file, Redis, a model's settings, a value out of range, or a run that could not be watched to its end.</summary>
    public static bool Actionable(Exception ex) =>
        ex is ArtifactStoreConfigurationException or ArtifactCorruptedException or IOException or UnauthorizedAccessException
            or CoordinationFaultException or CoordinationUnavailableException or RunAbortedException or ModelConfigurationException or ArgumentOutOfRangeException;
}
