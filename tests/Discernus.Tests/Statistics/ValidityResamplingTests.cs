using Discernus.Experiments;
using Discernus.Statistics;

namespace Discernus.Tests.Statistics;

/// <summary>
/// The bootstrap measures a resample through draw counts; these tests hold that this equals the building blocks
/// applied to the resample written out, each document repeated as often as it was drawn.
/// </summary>
public sealed class ValidityResamplingTests
{
    // Ties on both sides (0.4, 0.5 and 0.55 twice) so that the average ranks of Spearman's ρ are exercised.
    private static readonly double[] X = [0.3, 0.4, 0.7, 0.2, 0.4, 0.6, 0.35, 0.5, 0.1, 0.65, 0.5, 0.8];
    private static readonly double[] Y = [0.27, 0.55, 0.86, 0.15, 0.375, 0.65, 0.3, 0.55, 0.05, 0.75, 0.475, 0.92];
    private static readonly int[] Draws = [2, 0, 1, 3, 0, 1, 1, 2, 0, 1, 1, 0];

    private static WeightedPairs Pairs() => new(X.Select((x, i) => (i, x, Y[i])).ToList());

    private static List<double> Repeated(IReadOnlyList<double> values) =>
        values.SelectMany((v, i) => Enumerable.Repeat(v, Draws[i])).ToList();

    [Fact]
    public void Pairs_WithEveryDocumentDrawnOnce_EqualTheBuildingBlocks()
    {
        var once = Pairs().Measure(Enumerable.Repeat(1, X.Length).ToArray());

        Assert.Equal(HypothesisTests.Pearson(X, Y).Statistic!.Value, once.Pearson!.Value, 12);
        Assert.Equal(HypothesisTests.Spearman(X, Y).Statistic!.Value, once.Spearman!.Value, 12);
        Assert.Equal(AgreementStatistics.LinCcc(X, Y)!.Value, once.Ccc!.Value, 12);
        Assert.Equal(AgreementStatistics.MeanAbsoluteDifference(X, Y)!.Value, once.MeanAbsoluteError!.Value, 12);
        Assert.Equal((12.0, 12), (once.Weight, once.Distinct));
    }

    [Fact]
    public void Pairs_OnAResample_EqualTheBuildingBlocksOnTheRepeatedDocuments()
    {
        var (x, y) = (Repeated(X), Repeated(Y));

        var resample = Pairs().Measure(Draws);

        Assert.Equal(HypothesisTests.Pearson(x, y).Statistic!.Value, resample.Pearson!.Value, 12);
        Assert.Equal(HypothesisTests.Spearman(x, y).Statistic!.Value, resample.Spearman!.Value, 12);
        Assert.Equal(AgreementStatistics.LinCcc(x, y)!.Value, resample.Ccc!.Value, 12);
        Assert.Equal(AgreementStatistics.MeanAbsoluteDifference(x, y)!.Value, resample.MeanAbsoluteError!.Value, 12);
        Assert.Equal((12.0, 8), (resample.Weight, resample.Distinct));
    }

    [Fact]
    public void Pairs_OnAResampleOfTwoDocuments_HaveNoCorrelation()
    {
        var two = Pairs().Measure([5, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0]);

        Assert.Null(two.Pearson);
        Assert.Null(two.Spearman);
        Assert.NotNull(two.Ccc);
        Assert.Equal(PairMetrics.Empty, Pairs().Measure(new int[12]));
    }

    [Fact]
    public void Alpha_OnAResample_EqualsTheBuildingBlockOnTheRepeatedUnits()
    {
        IReadOnlyList<double>[] units = [[0.2, 0.3, 0.25], [0.5, 0.6], [0.9, 0.8, 0.85, 0.95], [0.1, 0.2], [0.4], [0.7, 0.65, 0.6]];
        var alpha = new WeightedAlpha(units.Select((u, i) => (i, u)));
        int[] draws = [1, 3, 0, 2, 4, 1];

        var repeated = units.SelectMany((u, i) => Enumerable.Repeat(u, draws[i])).ToList();

        Assert.Equal(AgreementStatistics.KrippendorffAlphaInterval(repeated)!.Value, alpha.Measure(draws)!.Value, 12);
        Assert.Equal(AgreementStatistics.KrippendorffAlphaInterval(units)!.Value, alpha.Measure()!.Value, 12);
        Assert.Null(alpha.Measure([0, 0, 0, 0, 5, 1]));
    }

    [Fact]
    public void Ceiling_OnAResample_EqualsTheCeilingOfTheRepeatedDocuments()
    {
        var (_, gold) = ValidityTestData.Coders(20, 6, 4, 0.1, seed: 7);
        var dimension = new DimensionGold(gold);
        var draws = new int[dimension.Documents.Count];
        var random = new Random(8);
        for (var i = 0; i < draws.Length; i++)
        {
            draws[random.Next(draws.Length)]++;
        }

        // The resample written out: a document drawn k times becomes k documents with the same ratings.
        var repeated = gold.SelectMany(g => Enumerable.Range(0, draws[dimension.UnitOf(g.DocumentId)!.Value]).Select(k => g with { DocumentId = $"{g.DocumentId}#{k}" }));
        var expected = new HumanCeiling(new DimensionGold(repeated)).Measure();

        var actual = new HumanCeiling(dimension).Measure(draws);

        Assert.Equal(expected.Pearson!.Value, actual.Pearson!.Value, 12);
        Assert.Equal(expected.Spearman!.Value, actual.Spearman!.Value, 12);
        Assert.Equal(expected.Ccc!.Value, actual.Ccc!.Value, 12);
        Assert.Equal(expected.MeanAbsoluteError!.Value, actual.MeanAbsoluteError!.Value, 12);
        Assert.Equal(expected.Alpha!.Value, actual.Alpha!.Value, 12);
    }

    [Fact]
    public void Interval_IsThePercentileInterval_WhenTheResamplesAreCentredOnTheEstimate()
    {
        var distribution = Distribution(Enumerable.Range(1, 41).Select(i => (double?)i).Append(null).Append(double.NaN));

        // 21 is the median of 1..41, so z₀ = 0; type 7 puts the 2.5th percentile at 1 + 0.025 · 40 = 2, the 97.5th at 40.
        var estimate = distribution.Estimate(21);

        Assert.Equal(21, estimate.Value);
        Assert.Equal(2, estimate.Lower!.Value, 12);
        Assert.Equal(40, estimate.Upper!.Value, 12);
        Assert.Equal(Estimate.None, distribution.Estimate(null));
        Assert.Equal(new Estimate(0.5, null, null), new BootstrapDistribution().Estimate(0.5));
    }

    [Fact]
    public void Interval_IsShiftedOntoTheEstimate_WhenTheResamplesLieBelowIt_AndKeptInTheStatisticsRange()
    {
        var distribution = Distribution(Enumerable.Range(1, 41).Select(i => (double?)i));

        // The median 21 lies 9.5 below 30.5: the percentiles 2 and 40 move up by as much.
        var estimate = distribution.Estimate(30.5);
        var bounded = distribution.Estimate(30.5, highest: 45);

        Assert.Equal(11.5, estimate.Lower!.Value, 12);
        Assert.Equal(49.5, estimate.Upper!.Value, 12);
        Assert.Equal(new Estimate(30.5, 11.5, 45), bounded);
    }

    private static BootstrapDistribution Distribution(IEnumerable<double?> values)
    {
        var distribution = new BootstrapDistribution();
        foreach (var v in values)
        {
            distribution.Add(v);
        }

        return distribution;
    }

    [Fact]
    public void TooFewResamples_AreRefused_WithTheSettingToChange()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ValidityCalculator.Compute([], ["valence"], [new GoldRating("d", "valence", 0.5, "a")], new ValiditySettings(BootstrapResamples: 0)));

        Assert.Contains("bootstrap_resamples", error.Message, StringComparison.Ordinal);
    }
}
