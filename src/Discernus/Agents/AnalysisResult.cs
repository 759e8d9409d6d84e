namespace Discernus.Agents;

/// <summary>The per-document result of SPEC §5 (<c>results/batch_analysis/&lt;sha256&gt;.json</c>).</summary>
public sealed record AnalysisResult
{
    /// <summary>SHA-256 of the document text the model saw.</summary>
    public required string DocumentId { get; init; }
    public required string DocumentName { get; init; }
    public required string CorpusDocumentId { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public required IReadOnlyDictionary<string, DimensionScore> FrameworkAnalysis { get; init; }
    public IReadOnlyDictionary<string, double?> DerivedMetrics { get; init; } = new Dictionary<string, double?>();
    /// <summary>Why a derived metric is null (missing input, division by zero, unparseable formula).</summary>
    public IReadOnlyDictionary<string, string> DerivedMetricErrors { get; init; } = new Dictionary<string, string>();
    public required ProcessingMetadata ProcessingMetadata { get; init; }
}

public sealed record DimensionScore
{
    public double? Score { get; init; }
    public double? Salience { get; init; }
    public double? Confidence { get; init; }
    public IReadOnlyList<EvidenceQuote> Evidence { get; init; } = [];
    /// <summary>Set when the model could not score the dimension (e.g. the lexicon baseline and a marker-less dimension).</summary>
    public string? NotScorableReason { get; init; }
}

public sealed record EvidenceQuote(string Quote, bool Verified);

public sealed record ProcessingMetadata
{
    public required string Timestamp { get; init; }
    public required string Model { get; init; }
    /// <summary>The model id the provider returned with its answer (a dated version where the name is an alias); null when it gave none.</summary>
    public string? ModelVersion { get; init; }
    /// <summary>The sampling temperature sent; null when the provider's default was used.</summary>
    public float? Temperature { get; init; }
    /// <summary>The seed sent; null where the provider takes none.</summary>
    public long? Seed { get; init; }
    public int Run { get; init; } = 1;
    public required TokenUsage TokensUsed { get; init; }
    public decimal? CostUsd { get; init; }
    public required string PromptHash { get; init; }
    public required string FrameworkHash { get; init; }
    public required string DocumentHash { get; init; }
    public required string TaskId { get; init; }
    public int Attempts { get; init; }
    public long DurationMs { get; init; }
    public bool Cached { get; init; }
    /// <summary>The process that analysed the document (host:pid), so a result traces back to the machine that made it.</summary>
    public string? Worker { get; init; }
    /// <summary>What the task's model calls amounted to (see the manifest's cost block), counted where the task ran.</summary>
    public long ProviderRequests { get; init; }
    public long CacheHits { get; init; }
    public long Retries { get; init; }
    public long FailedRequests { get; init; }
    /// <summary>Answers an offline model (lexicon, minilm) computed for the task: no provider request, no tokens sent.</summary>
    public long OfflineAnalyses { get; init; }
}

public sealed record TokenUsage(long Prompt, long Completion);
