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

    /// <summary>The notices the Orchestrator wrote for the run's watchers, oldest first (<see cref="RunStateFields.Notice"/>).</summary>
    public IReadOnlyList<string> Notices =>
        Fields.TryGetValue(RunStateFields.Notices, out var count) && long.TryParse(count, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? Enumerable.Range(1, (int)Math.Min(n, 10_000)).Select(i => Fields.GetValueOrDefault(RunStateFields.Notice(i))).OfType<string>().ToList()
            : [];
}
