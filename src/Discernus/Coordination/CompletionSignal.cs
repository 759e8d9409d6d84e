using System.Text.Json.Serialization;

namespace Discernus.Coordination;

/// <summary>What a finished task pushes to <c>run:{run_id}:done</c> for the Orchestrator.</summary>
internal sealed record CompletionSignal
{
    public required string TaskId { get; init; }

    /// <summary><see cref="CompletionStatus.Succeeded"/> or <see cref="CompletionStatus.Failed"/>.</summary>
    public required string Status { get; init; }

    /// <summary>Artifact hash of the result; set when the task succeeded.</summary>
    public string? ResultHash { get; init; }

    /// <summary>Why the task failed; set when it failed.</summary>
    public string? Error { get; init; }

    [JsonIgnore]
    public bool IsSucceeded => Status == CompletionStatus.Succeeded;

    public static CompletionSignal Success(string taskId, string resultHash) =>
        new() { TaskId = taskId, Status = CompletionStatus.Succeeded, ResultHash = resultHash };

    public static CompletionSignal Failure(string taskId, string error) =>
        new() { TaskId = taskId, Status = CompletionStatus.Failed, Error = error };
}
