using System.Diagnostics;
using System.Globalization;

namespace Discernus.Provenance;

/// <summary>What a reader of a run folder can say about whether the run is still being worked on.</summary>
internal sealed record RunLivenessReport(string Status, bool Interrupted, string Description);

/// <summary>
/// Tells a run in progress from one whose process is gone. The manifest records the Orchestrator process of every
/// execution (host, pid, start time): on that host the answer is immediate (is that exact process still there?).
/// Elsewhere, a run whose manifest has not changed for longer than any live Orchestrator leaves it is called
/// interrupted.
/// </summary>
internal static class RunLiveness
{
    // Longer than the default stall timeout: a live Orchestrator fails a stalled stage before this.
    private static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(15);

    public static RunLivenessReport Inspect(string manifestPath, RunManifest manifest, TimeProvider time)
    {
        if (RunStatus.IsFinal(manifest.Status))
        {
            return new RunLivenessReport(manifest.Status, false, manifest.Status);
        }

        if (manifest.Executions.LastOrDefault() is { } last && last.Host == Environment.MachineName)
        {
            return IsAlive(last)
                ? new RunLivenessReport(manifest.Status, false, $"{manifest.Status} (process {last.ProcessId})")
                : new RunLivenessReport(manifest.Status, true, $"{manifest.Status}, interrupted: its process {last.ProcessId} on this machine is gone");
        }

        var idle = time.GetUtcNow() - File.GetLastWriteTimeUtc(manifestPath);
        return idle > Abandoned
            ? new RunLivenessReport(manifest.Status, true, $"{manifest.Status}, interrupted? (no update for {idle.TotalMinutes:F0} min)")
            : new RunLivenessReport(manifest.Status, false, manifest.Status);
    }

    public static string Describe(string manifestPath, RunManifest manifest, TimeProvider time) => Inspect(manifestPath, manifest, time).Description;

    /// <summary>Whether the process of this execution still runs: same pid and same start time (pids are reused).</summary>
    public static bool IsAlive(ManifestExecution execution)
    {
        try
        {
            using var process = Process.GetProcessById(execution.ProcessId);
            if (process.HasExited)
            {
                return false;
            }

            if (!DateTimeOffset.TryParse(execution.ProcessStartedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var recorded))
            {
                return true;
            }

            return (process.StartTime.ToUniversalTime() - recorded.UtcDateTime).Duration() < TimeSpan.FromSeconds(2);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // No such process (ArgumentException), or it ended while we looked.
            return false;
        }
    }
}
