using Discernus.Content;

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

    // A SHA-256 in lowercase hexadecimal (every hash Discernus writes) is held as its 32 bytes, not as a 64-character
    // string of 152 bytes: a synthesis holds one record per analysis, a million in the largest runs.
    private static readonly System.Buffers.SearchValues<char> LowercaseHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private readonly Sha256Key? _hashKey;
    private readonly string? _hashText;

    /// <summary>SHA-256 of the document text; the preferred key for telling documents apart.</summary>
    public string? DocumentHash
    {
        get => _hashKey is { } key ? key.ToHex() : _hashText;
        init => (_hashKey, _hashText) = IsLowercaseSha256(value) ? (Sha256Key.FromHex(value!), (string?)null) : ((Sha256Key?)null, value);
    }

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

    /// <summary>
    /// Orders two records as <see cref="DocumentKey"/> would (ordinal), without writing out the hashes: the numbers of two
    /// SHA-256s compare as their lowercase hexadecimal texts do.
    /// </summary>
    public static int CompareDocumentKeys(AnalysisRecord x, AnalysisRecord y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return x._hashKey is { } a && y._hashKey is { } b ? a.CompareTo(b) : string.CompareOrdinal(x.DocumentKey, y.DocumentKey);
    }

    private static bool IsLowercaseSha256(string? value) =>
        value is { Length: Sha256Key.Size * 2 } && !value.AsSpan().ContainsAnyExcept(LowercaseHex);
}
