namespace Discernus.Statistics;

/// <param name="DocumentsAnalysed">Distinct documents with at least one analysis.</param>
/// <param name="DocumentsFailed">Documents whose analysis failed (recorded with a reason, never scored).</param>
/// <param name="Analyses">Analyses used: documents × models × runs that succeeded.</param>
internal sealed record StatisticsCounts(int DocumentsAnalysed, int DocumentsFailed, int Analyses);
