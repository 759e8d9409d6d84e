namespace Discernus.Agents;

/// <summary>What the Router needs of an agent: the task type it serves and a way to run one task.</summary>
internal interface IAgent
{
    string TaskType { get; }

    string Name { get; }

    /// <summary>
    /// Runs one task. A task that cannot succeed (invalid contract, a model answer that stays invalid) returns a failed
    /// outcome with its reason; exceptions mean "try again later" and are left to the Router's attempt limit.
    /// </summary>
    Task<AgentOutcome> HandleAsync(string contractJson, CancellationToken cancellationToken);
}

internal sealed record AgentOutcome(bool Succeeded, string? ResultHash, string? Error)
{
    /// <summary>
    /// Starts the error of a failure that must stop the whole run, not just fail its task (the model endpoint is
    /// unusable: <c>ModelEndpointUnusableException</c>). It travels in the completion signal's error text, so workers on
    /// other machines need no contract change; the Orchestrator stops the run with the text after it.
    /// </summary>
    public const string StopRunMarker = "[stop-run] ";

    public static AgentOutcome Success(string resultHash) => new(true, resultHash, null);

    public static AgentOutcome Failure(string error) => new(false, null, error);

    /// <summary>A failure that stops the run, with one message naming the cause and the fix.</summary>
    public static AgentOutcome StopRun(string reason) => new(false, null, StopRunMarker + reason);

    /// <summary>True when a completion signal's error asks to stop the run; <paramref name="reason"/> is the message without the marker.</summary>
    public static bool StopsRun(string? error, out string reason)
    {
        if (error is not null && error.StartsWith(StopRunMarker, StringComparison.Ordinal))
        {
            reason = error[StopRunMarker.Length..];
            return true;
        }

        reason = "";
        return false;
    }
}

/// <summary>Thrown inside an agent for a failure that retrying the task would not fix; becomes a failed outcome.</summary>
internal sealed class AgentFailureException(string message) : Exception(message);
