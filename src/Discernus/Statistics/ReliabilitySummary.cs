namespace Discernus.Statistics;

/// <summary>
/// Agreement between repeated readings of the same documents: runs of one model, or different models. (Agreement with
/// the human coders of a gold file is the measurement's validity: <see cref="ValiditySummary"/>.) One
/// <see cref="AgreementComparison"/> per set of readings compared.
/// </summary>
/// <param name="Threshold">Krippendorff's alpha below which a dimension is flagged unreliable (0.67: Krippendorff 2004 accepts .667 for tentative conclusions only).</param>
internal sealed record ReliabilitySummary(double Threshold, IReadOnlyList<AgreementComparison> Comparisons);

/// <summary>One comparison: which readings were compared, and the agreement per dimension.</summary>
/// <param name="Kind">runs (of one model) or models (each model's runs averaged).</param>
/// <param name="Label">What was compared, e.g. "runs of openai/gpt-4o" or "models".</param>
/// <param name="Coders">The readings compared (run numbers, model names, coder ids), in column order.</param>
internal sealed record AgreementComparison(
    string Kind,
    string Label,
    IReadOnlyList<string> Coders,
    IReadOnlyList<DimensionAgreement> Dimensions)
{
    /// <summary>A deterministic model (lexicon, minilm): its runs are identical by construction; no alpha is given.</summary>
    public const string IdenticalByConstruction = "by_construction";

    /// <summary>A model whose runs gave the same score to every document on every dimension: not independent readings.</summary>
    public const string IdenticalInEveryRun = "in_every_run";

    /// <summary>
    /// For runs: why their agreement is no evidence of reliability: <see cref="IdenticalByConstruction"/> (alpha, ICC,
    /// CCC and r are left null) or <see cref="IdenticalInEveryRun"/> (computed, but flagged); null when the runs vary.
    /// </summary>
    public string? Identical { get; init; }
}

/// <summary>Agreement on one dimension; null where a statistic is undefined (too few documents, no variance).</summary>
/// <param name="Documents">Documents with at least two readings.</param>
/// <param name="MeanAbsoluteDifference">Mean over documents and pairs of readings of |a − b| on the 0–1 scale.</param>
/// <param name="Pearson">Between the two readings; null with more than two.</param>
/// <param name="Ccc">Lin's concordance correlation, as <see cref="Pearson"/>.</param>
/// <param name="Unreliable">Alpha is below the threshold.</param>
internal sealed record DimensionAgreement(
    string Dimension,
    int Documents,
    double? Alpha,
    double? Icc,
    double? MeanAbsoluteDifference,
    double? Pearson,
    double? Ccc,
    bool Unreliable);
