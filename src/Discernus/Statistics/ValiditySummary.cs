using Discernus.Experiments;

namespace Discernus.Statistics;

/// <summary>
/// Whether the model measures what the human coders of the gold file measure, per dimension: agreement of each model
/// with the coders' mean, the human ceiling in the same metrics, bootstrap intervals for all of them, and the
/// resulting status (<see cref="ValidityStatus"/>). Written into <c>statistics.json</c> as <c>validity</c>.
/// </summary>
/// <param name="Settings">The rule's parameters (the experiment's <c>validation:</c>, else the defaults).</param>
/// <param name="Rule">The rule in one sentence, with its numbers, as the report states it.</param>
/// <param name="Gold">What the gold file covers.</param>
/// <param name="Coders">Per-coder agreement with the other coders, the coders with most documents first, at most <see cref="MaxCodersListed"/>.</param>
/// <param name="CodersNotListed">Coders left out of <see cref="Coders"/>.</param>
internal sealed record ValiditySummary(
    ValiditySettings Settings,
    string Rule,
    GoldCoverage Gold,
    IReadOnlyList<CoderAgreement> Coders,
    int CodersNotListed,
    IReadOnlyList<DimensionValidity> Dimensions)
{
    public const int MaxCodersListed = 20;

    /// <summary>How the scores were calibrated to the coders' scale; null when they were not.</summary>
    public CalibrationReport? Calibration { get; init; }

    public DimensionValidity? Dimension(string name) => Dimensions.FirstOrDefault(d => d.Dimension == name);
}

/// <summary>The three states of a dimension, and how a set of dimensions combines (the weakest wins).</summary>
internal static class ValidityStatus
{
    public const string Validated = "validated";
    public const string NotValidated = "not_validated";
    public const string Unvalidated = "unvalidated";

    /// <summary>not_validated if any is, else unvalidated if any is, else validated; unvalidated for none.</summary>
    public static string Combine(IEnumerable<string> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var all = statuses.ToList();
        return all.Count == 0 ? Unvalidated
            : all.Contains(NotValidated) ? NotValidated
            : all.Contains(Unvalidated) ? Unvalidated
            : Validated;
    }
}

/// <summary>
/// What the gold file covers: "validated on 300 of 10,000 documents".
/// </summary>
/// <param name="CodedDocuments">Corpus documents with at least one rating (any of the framework's dimensions).</param>
/// <param name="CorpusDocuments">Documents analysed in the run.</param>
/// <param name="Ratings">Gold rows on those documents and dimensions, a coder's repeated rows included.</param>
/// <param name="MedianCodingsPerDocument">Codings per document: the distinct coders of each coded document.</param>
/// <param name="Design">complete (every coder coded every coded document) or sparse.</param>
internal sealed record GoldCoverage(
    int CodedDocuments,
    int CorpusDocuments,
    int Ratings,
    int CoderCount,
    int MinCodingsPerDocument,
    double MedianCodingsPerDocument,
    int MaxCodingsPerDocument,
    string Design);

/// <summary>One coder against the mean of the other coders on the documents they share, over every dimension's ratings pooled per dimension and averaged.</summary>
internal sealed record CoderAgreement(string Coder, int Documents, int Ratings, double? Pearson, double? MeanAbsoluteDifference);

/// <summary>A point estimate with its seeded document-level bootstrap interval (percentiles re-centred on the estimate, see <see cref="BootstrapDistribution"/>); null where undefined.</summary>
internal sealed record Estimate(double? Value, double? Lower, double? Upper)
{
    public static readonly Estimate None = new(null, null, null);
}

/// <summary>
/// Agreement of one reading with the coders on one dimension: Pearson r and Spearman ρ with the coders' mean, Lin's CCC,
/// the mean absolute error, and Krippendorff's alpha (interval) with the reading as one more coder. For the human
/// ceiling the same metrics are each coder against the mean of the other coders, averaged over coders, and alpha is the
/// coders' alpha among themselves.
/// </summary>
internal sealed record AgreementMetrics(
    int Documents,
    Estimate Pearson,
    Estimate Spearman,
    Estimate Ccc,
    Estimate MeanAbsoluteError,
    Estimate Alpha)
{
    /// <summary>Mean of the reading's scores over the compared documents (for the ceiling: the coders' mean).</summary>
    public double? Mean { get; init; }

    /// <summary>Mean of the coders' mean over the same documents.</summary>
    public double? CodersMean { get; init; }
}

/// <summary>One model (or the mean of the models, as the statistics use it) against the coders on one dimension.</summary>
/// <param name="Model">A model name, or <see cref="AllModels"/>.</param>
/// <param name="Scores">raw or calibrated.</param>
/// <param name="RatioToCeiling">Model r over ceiling r, with the interval of the ratio over the same resamples.</param>
internal sealed record ModelAgreement(string Model, string Scores, AgreementMetrics Metrics, Estimate RatioToCeiling)
{
    public const string AllModels = "all models (mean)";
    public const string Raw = "raw";
    public const string Calibrated = "calibrated";
}

/// <summary>The validity of one dimension.</summary>
/// <param name="Status">validated, not_validated or unvalidated (<see cref="ValidityStatus"/>).</param>
/// <param name="Reason">One sentence with the numbers that decided it, e.g. "model–human r 0.05 vs ceiling 0.50".</param>
/// <param name="CodedDocuments">Documents the coders scored on this dimension that the run analysed.</param>
/// <param name="Ceiling">The human ceiling; null with fewer than two coders on any document.</param>
/// <param name="Models">Every model, raw and (when calibrated) calibrated, and the models' mean when there are several.</param>
/// <param name="JudgedOn">The model (or <see cref="ModelAgreement.AllModels"/>) whose reading decided the status: what the statistics use (the model, or the models' mean; its calibrated row when calibrated, see <see cref="JudgedScores"/>).</param>
/// <param name="ScaleMismatch">The mismatch and its fix when the reading's scale does not match the coders' (CCC far below r, or its mean outside the coders' range); null otherwise.</param>
internal sealed record DimensionValidity(
    string Dimension,
    string Status,
    string Reason,
    int CodedDocuments,
    AgreementMetrics? Ceiling,
    IReadOnlyList<ModelAgreement> Models,
    string? JudgedOn,
    string? ScaleMismatch)
{
    /// <summary>raw or calibrated: which of <see cref="JudgedOn"/>'s rows decided the status; null when none did.</summary>
    public string? JudgedScores { get; init; }

    /// <summary>
    /// No coder shares at least three documents with the others, so the ceiling's r, ρ and CCC are computed over every
    /// (coder, mean of the other coders) pair pooled instead of per coder and averaged.
    /// </summary>
    public bool CeilingPooled { get; init; }

    /// <summary>The row of <see cref="Models"/> the status was decided on; null when none was.</summary>
    public ModelAgreement? JudgedReading() => Models.FirstOrDefault(m => m.Model == JudgedOn && m.Scores == JudgedScores);
}

/// <summary>What calibration did, for the report and the manifest (the fitted maps are an artifact of their own).</summary>
/// <param name="ArtifactHash">SHA-256 of the calibration model artifact (every fitted map, its method and parameters).</param>
internal sealed record CalibrationReport(
    string Method,
    int Folds,
    int Seed,
    string ArtifactHash,
    IReadOnlyList<CalibrationChoice> Choices);

/// <summary>The map chosen for one model and dimension.</summary>
/// <param name="Method">identity, linear, isotonic or ridge.</param>
/// <param name="Penalty">Ridge's penalty, chosen by inner cross-validation; null for the other methods.</param>
/// <param name="Features">Feature set of the ridge head (e.g. "minilm document embedding + lexicon counts"); null otherwise.</param>
internal sealed record CalibrationChoice(string Model, string Dimension, string Method, double? Penalty, string? Features, int CodedDocuments)
{
    /// <summary>Why the method is not the one asked for (ridge without features, too few coded documents); null otherwise.</summary>
    public string? Note { get; init; }
}
