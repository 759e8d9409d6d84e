using Discernus.Artifacts;

namespace Discernus.Agents;

/// <summary>What BaseAgent hands every agent: the artifact store, the per-run services, time and limits.</summary>
internal sealed record AgentContext
{
    public required IArtifactStore Store { get; init; }
    public required IRunServices Runs { get; init; }
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
    /// <summary>Model answers that fail validation are retried with the errors shown, up to this many calls in all.</summary>
    public int MaxAnswerAttempts { get; init; } = 3;
    /// <summary>Most bytes of report.md or report.html (<c>DISCERNUS_MAX_REPORT_BYTES</c>); the report agent cuts past it.</summary>
    public long MaxReportBytes { get; init; } = new Experiments.ExperimentLimits().MaxReportBytes;
    /// <summary>Which process runs the agents (host:pid), recorded in each result.</summary>
    public string Worker { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";
}
