using Discernus.Provenance;

namespace Discernus.Cli.Commands;

/// <summary>A run whose manifest says it is running but has not changed for long was interrupted (killed, machine lost).</summary>
internal static class RunLiveness
{
    // Longer than the default stall timeout: a live Orchestrator fails a stalled stage before this.
    private static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(15);

    public static string Describe(string manifestPath, string status, TimeProvider time)
    {
        if (RunStatus.IsFinal(status))
        {
            return status;
        }

        var idle = time.GetUtcNow() - File.GetLastWriteTimeUtc(manifestPath);
        return idle > Abandoned ? $"{status} (no update for {idle.TotalMinutes:F0} min: interrupted?)" : status;
    }
}
