namespace Discernus.Statistics;

/// <summary>
/// One reading (a model, or the models' mean) against the coders on one dimension, on the coded documents the reading
/// scored: r, ρ, CCC and absolute error with the coders' mean, and alpha with the reading as one more coder.
/// </summary>
internal sealed class ReadingSample
{
    private readonly WeightedPairs pairs;
    private readonly WeightedAlpha alpha;

    /// <param name="gold">The dimension's coded documents.</param>
    /// <param name="scores">The reading's score of each document it scored (document id → score).</param>
    public ReadingSample(DimensionGold gold, IReadOnlyDictionary<string, double> scores)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(scores);
        var units = Enumerable.Range(0, gold.Documents.Count).Where(u => scores.ContainsKey(gold.Documents[u])).ToList();
        pairs = new WeightedPairs(units.Select(u => (u, scores[gold.Documents[u]], gold.Means[u])).ToList());
        alpha = new WeightedAlpha(units.Select(u => (u, (IReadOnlyList<double>)[.. gold.Ratings[u].Select(r => r.Score), scores[gold.Documents[u]]])));
    }

    public int Documents => pairs.Count;

    /// <summary>Mean of the reading over its documents.</summary>
    public double? Mean => pairs.MeanX;

    /// <summary>Mean of the coders' mean over the same documents.</summary>
    public double? CodersMean => pairs.MeanY;

    public AgreementPoint Measure() => Point(pairs.Measure(), alpha.Measure());

    public AgreementPoint Measure(IReadOnlyList<int> draws) => Point(pairs.Measure(draws), alpha.Measure(draws));

    private static AgreementPoint Point(PairMetrics m, double? alpha) => new(m.Pearson, m.Spearman, m.Ccc, m.MeanAbsoluteError, alpha);
}
