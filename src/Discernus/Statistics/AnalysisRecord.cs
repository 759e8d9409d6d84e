namespace Discernus.Statistics;

/// <summary>
/// The numbers of one per-document analysis (one document × one model × one run) that statistics need;
/// built from a <c>results/batch_analysis/&lt;sha256&gt;.json</c> by whoever reads those files.
/// </summary>
internal sealed record AnalysisRecord
{
    /// <summary>File name of the document.</summary>
    public required string DocumentName { get; init; }

    /// <summary>The researcher's id from the corpus manifest.</summary>
    public string? CorpusDocumentId { get; init; }

    /// <summary>SHA-256 of the document text; the preferred key for telling documents apart.</summary>
    public string? DocumentHash { get; init; }

    public string? Model { get; init; }

    /// <summary>1-based run number for this model (runs_per_model).</summary>
    public int Run { get; init; } = 1;

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, DimensionValues> Dimensions { get; init; } = new Dictionary<string, DimensionValues>();

    public IReadOnlyDictionary<string, double?> DerivedMetrics { get; init; } = new Dictionary<string, double?>();

    public int VerifiedEvidence { get; init; }

    public int UnverifiedEvidence { get; init; }

    /// <summary>What identifies the document across models and runs: its hash, else its manifest id, else its name.</summary>
    public string DocumentKey => DocumentHash ?? CorpusDocumentId ?? DocumentName;
}
