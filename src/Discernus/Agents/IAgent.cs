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
    public static AgentOutcome Success(string resultHash) => new(true, resultHash, null);

    public static AgentOutcome Failure(string error) => new(false, null, error);
}

/// <summary>Thrown inside an agent for a failure that retrying the task would not fix; becomes a failed outcome.</summary>
internal sealed class AgentFailureException(string message) : Exception(message);
