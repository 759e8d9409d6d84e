namespace Discernus.Coordination;

/// <summary>One kind of problem found by the audit, how many keys show it and which.</summary>
internal sealed record CoordinationAnomaly
{
    public required CoordinationAnomalyKind Kind { get; init; }

    public required long Count { get; init; }

    /// <summary>What is wrong and what to do about it.</summary>
    public required string Message { get; init; }

    /// <summary>The keys concerned; output shows a few unless every key is asked for (<c>--keys</c>).</summary>
    public required IReadOnlyList<string> Keys { get; init; }
}
