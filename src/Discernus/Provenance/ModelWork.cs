using System.Globalization;

namespace Discernus.Provenance;

/// <summary>
/// The one wording of model work, so `estimate`, the run summary, `costs`, the report and `serve` say the same thing
/// about the same records: provider requests (what a provider billed or could bill), offline analyses (what lexicon and
/// minilm computed in the process: no request, no token sent) and cache hits.
/// </summary>
internal static class ModelWork
{
    /// <summary>"3 provider request(s), 0 cache hit(s)"; "0 provider request(s), 3 offline analyses, 0 cache hit(s)".</summary>
    public static string Describe(long providerRequests, long offlineAnalyses, long cacheHits) =>
        $"{Requests(providerRequests, offlineAnalyses)}, {N(cacheHits)} cache hit(s)";

    /// <summary>"3 provider request(s)"; "0 provider request(s), 3 offline analyses" (an estimate has no cache hits yet).</summary>
    public static string Requests(long providerRequests, long offlineAnalyses) =>
        offlineAnalyses > 0
            ? $"{N(providerRequests)} provider request(s), {Offline(offlineAnalyses)}"
            : $"{N(providerRequests)} provider request(s)";

    /// <summary>"1 offline analysis", "13 offline analyses".</summary>
    public static string Offline(long count) => count == 1 ? "1 offline analysis" : $"{N(count)} offline analyses";

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
