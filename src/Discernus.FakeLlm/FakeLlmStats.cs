using System.Text.Json.Serialization;

namespace Discernus.FakeLlm;

/// <summary>What the simulated provider has seen so far (<c>GET /stats</c>).</summary>
public sealed record FakeLlmStats
{
    [JsonPropertyName("requests")] public long Requests { get; init; }
    [JsonPropertyName("completions")] public long Completions { get; init; }
    [JsonPropertyName("rate_limited")] public long RateLimited { get; init; }
    [JsonPropertyName("server_errors")] public long ServerErrors { get; init; }
    [JsonPropertyName("malformed")] public long Malformed { get; init; }
    [JsonPropertyName("max_concurrent")] public long MaxConcurrent { get; init; }
    [JsonPropertyName("in_flight")] public long InFlight { get; init; }
    /// <summary>Requests whose prefix was read from the simulated prompt cache (reported as <c>cached_tokens</c>).</summary>
    [JsonPropertyName("prompt_cache_hits")] public long PromptCacheHits { get; init; }
    /// <summary>Batches created (<c>POST /v1/batches</c>): a resumed run that submits again shows here.</summary>
    [JsonPropertyName("batch_submissions")] public long BatchSubmissions { get; init; }
    [JsonPropertyName("batch_file_uploads")] public long BatchFileUploads { get; init; }
    /// <summary>Request lines in all batches created.</summary>
    [JsonPropertyName("batch_lines")] public long BatchLines { get; init; }
}
