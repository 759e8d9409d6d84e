namespace Discernus.Coordination;

/// <summary>A snapshot of run:{run_id}:state, typed where the schema is known; <see cref="Fields"/> holds everything.</summary>
internal sealed record RunState
{
    public required string RunId { get; init; }

    public string? Stage { get; init; }

    public string? Status { get; init; }

    public int? Total { get; init; }

    public int? Completed { get; init; }

    public int? Failed { get; init; }

    public int? ProviderRequests { get; init; }

    public int? CacheHits { get; init; }

    public int? Retries { get; init; }

    public bool CancelRequested { get; init; }

    public string? Error { get; init; }

    public string? UpdatedAt { get; init; }

    public required IReadOnlyDictionary<string, string> Fields { get; init; }
}
