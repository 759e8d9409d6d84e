namespace Discernus.Coordination;

/// <summary>An entry of the <c>dead</c> list: a task given up on, with the last error.</summary>
internal sealed record DeadLetterEntry
{
    public required string TaskId { get; init; }

    public string? RunId { get; init; }

    /// <summary>The list the task was claimed from.</summary>
    public required string Source { get; init; }

    public required string WorkerId { get; init; }

    public required string Error { get; init; }

    public required int Attempts { get; init; }

    /// <summary>ISO 8601 UTC.</summary>
    public required string FailedAt { get; init; }
}
