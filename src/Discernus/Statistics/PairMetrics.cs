namespace Discernus.Statistics;

/// <summary>Agreement of two paired readings (see <see cref="WeightedPairs"/>); null where a statistic is undefined.</summary>
/// <param name="Weight">Pairs counted, each as often as its unit was drawn.</param>
/// <param name="Distinct">Different units among them (a correlation needs three: with two it is trivially ±1).</param>
internal readonly record struct PairMetrics(
    double Weight,
    int Distinct,
    double? Pearson,
    double? Spearman,
    double? Ccc,
    double? MeanAbsoluteError)
{
    public static readonly PairMetrics Empty = new(0, 0, null, null, null, null);
}
