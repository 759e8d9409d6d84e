namespace Discernus.Models;

/// <summary>
/// What a run's model calls amounted to, counted from its interaction records: requests that reached a provider (every
/// attempt, retries and validation re-asks included), answers served from the cache, requests that were retries of a
/// failed attempt, and requests that failed (error status, time-out, no connection).
/// </summary>
internal sealed record ModelCallCounts(long ProviderRequests, long CacheHits, long Retries, long Failures)
{
    public static ModelCallCounts None { get; } = new(0, 0, 0, 0);
}
