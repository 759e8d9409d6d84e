namespace Discernus.Models;

/// <summary>
/// What a run's model calls amounted to, counted from its interaction records, one record per call: requests that
/// reached a provider (every attempt, retries and validation re-asks included), answers served from the cache, requests
/// that were retries of a failed attempt, requests that failed (error status, time-out, no connection), and answers the
/// offline models (lexicon, minilm) computed in the process, which are no provider request.
/// </summary>
internal sealed record ModelCallCounts(long ProviderRequests, long CacheHits, long Retries, long Failures, long OfflineAnalyses = 0)
{
    public static ModelCallCounts None { get; } = new(0, 0, 0, 0);
}
