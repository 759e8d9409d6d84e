namespace Discernus.Statistics;

/// <summary>The five agreement metrics of one reading (or of the human ceiling) on one sample or resample of documents.</summary>
internal readonly record struct AgreementPoint(
    double? Pearson,
    double? Spearman,
    double? Ccc,
    double? MeanAbsoluteError,
    double? Alpha);
