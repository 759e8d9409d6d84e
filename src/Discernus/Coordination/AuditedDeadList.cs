namespace Discernus.Coordination;

/// <summary>The <c>dead</c> list: its length and its newest entries.</summary>
internal sealed record AuditedDeadList
{
    public required long Length { get; init; }

    /// <summary>Newest first; an entry that is not a dead-letter record is shown with its raw text as the error.</summary>
    public required IReadOnlyList<DeadLetterEntry> Newest { get; init; }
}
