using System.Diagnostics;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>A run ready for its stages, or the outcome of a run that ended before it had any (setup or adoption refused).</summary>
internal sealed record PreparedRun(RunContext? Run, RunOutcome? Outcome);

/// <summary>The manifest's record of an execution of a run: which Orchestrator, process and machine took it, and when.</summary>
internal static class ExecutionRecord
{
    public static ManifestExecution Of(string kind, string orchestratorId, TimeProvider time)
    {
        using var process = Process.GetCurrentProcess();
        return new ManifestExecution
        {
            Kind = kind,
            OrchestratorId = orchestratorId,
            Host = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            ProcessStartedAt = IsoTime.Format(process.StartTime.ToUniversalTime()),
            StartedAt = IsoTime.Format(time.GetUtcNow()),
        };
    }
}
