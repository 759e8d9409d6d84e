using Discernus.Models;

namespace Discernus.Orchestration;

/// <summary>
/// One line a child agent process writes on standard output; exactly one member is set. The worker writes what the
/// child logs, so one process (the worker) owns every log file, and the last line is the task's outcome, or the failure
/// that stopped it.
/// </summary>
internal sealed record AgentProcessMessage
{
    /// <summary>An event of the child's logger, re-logged by the worker's logging pipeline.</summary>
    public LogEvent? Log { get; init; }

    /// <summary>A line for one of the run's <c>logs/*.jsonl</c> files.</summary>
    public RunLogLine? RunLog { get; init; }

    /// <summary>One model call, recorded in the run's <c>logs/llm_interactions.jsonl</c> and counted for its manifest.</summary>
    public LlmInteraction? LlmInteraction { get; init; }

    /// <summary>What the agent returned (exit code 0 follows).</summary>
    public OutcomeReport? Outcome { get; init; }

    /// <summary>The exception that stopped the agent (a non-zero exit code follows): the task is tried again later.</summary>
    public FailureReport? Failure { get; init; }

    internal sealed record LogEvent(string Level, string Message);

    internal sealed record RunLogLine(string File, string Line);

    internal sealed record OutcomeReport(bool Succeeded, string? ResultHash, string? Error);

    /// <param name="EndpointFailure">Set when a model call found its endpoint unusable (<see cref="EndpointFailureKind"/>): the worker counts it in its own breaker for the model, so fail-fast works across children.</param>
    internal sealed record FailureReport(string Type, string Message, string? EndpointFailure = null);
}
