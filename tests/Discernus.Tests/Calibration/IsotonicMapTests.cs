using Discernus.Calibration;

namespace Discernus.Tests.Calibration;

public sealed class IsotonicMapTests
{
    [Fact]
    public void Fit_PoolsAdjacentViolators_AsScikitLearnDoes()
    {
        // scikit-learn: IsotonicRegression().fit([1, 2, 3, 4, 5], [1, 3, 2, 4, 3.5]) gives [1, 2.5, 2.5, 3.75, 3.75]; here ÷ 5.
        var map = IsotonicMap.Fit([1, 2, 3, 4, 5], [0.2, 0.6, 0.4, 0.8, 0.7]);

        Assert.Equal([1, 2, 3, 4, 5], map.KnotScores);
        Assert.Equal([0.2, 0.5, 0.5, 0.75, 0.75], map.KnotValues.Select(v => Math.Round(v, 12)));
        Assert.Equal([0.2, 0.5, 0.5, 0.75, 0.75], new double[] { 1, 2, 3, 4, 5 }.Select(x => Math.Round(map.Predict(x, default), 12)));
    }

    [Fact]
    public void Predict_InterpolatesBetweenKnots_AndClipsOutsideThem()
    {
        var map = IsotonicMap.Fit([1, 2, 3, 4, 5], [0.2, 0.6, 0.4, 0.8, 0.7]);

        Assert.Equal(0.35, map.Predict(1.5, default), 12);
        Assert.Equal(0.625, map.Predict(3.5, default), 12);
        Assert.Equal(0.2, map.Predict(-10, default), 12);
        Assert.Equal(0.75, map.Predict(10, default), 12);
    }

    [Fact]
    public void TiedScores_ArePooledBeforeTheFit()
    {
        // The two documents at x = 1 become one point 0.5 of weight 2; it violates the order with 0.2 at x = 2, so the
        // three pool to (0 + 1 + 0.2) / 3 = 0.4.
        var map = IsotonicMap.Fit([1, 1, 2, 3], [0.0, 1.0, 0.2, 0.9]);

        Assert.Equal([1, 2, 3], map.KnotScores);
        Assert.Equal([0.4, 0.4, 0.9], map.KnotValues.Select(v => Math.Round(v, 12)));
        Assert.Equal(0.65, map.Predict(2.5, default), 12);
    }

    [Fact]
    public void FlatBlocks_KeepOnlyTheirEnds()
    {
        var map = IsotonicMap.Fit([1, 2, 3, 4, 5, 6], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]);

        Assert.Equal([1, 6], map.KnotScores);
        Assert.Equal(0.65, map.KnotValues[0], 12);
        Assert.Equal(0.65, map.Predict(3.3, default), 12);
    }

    [Fact]
    public void Fit_IsIncreasing_AndKeepsTheMeanOfTheLabels()
    {
        var random = new Random(3);
        var x = Enumerable.Range(0, 200).Select(_ => Math.Round(random.NextDouble(), 2)).ToArray();
        var y = x.Select(v => Math.Clamp(v + (0.3 * (random.NextDouble() - 0.5)), 0, 1)).ToArray();

        var map = IsotonicMap.Fit(x, y);
        var fitted = x.Select(v => map.Predict(v, default)).ToArray();

        Assert.True(map.KnotValues.Zip(map.KnotValues.Skip(1)).All(p => p.First <= p.Second));
        Assert.True(map.KnotScores.Zip(map.KnotScores.Skip(1)).All(p => p.First < p.Second));
        Assert.Equal(y.Average(), fitted.Average(), 10);
    }

    [Fact]
    public void Predictions_StayOnTheScale()
    {
        var map = new IsotonicMap([0.1, 0.9], [-0.5, 1.5]);

        Assert.Equal(0, map.Predict(0, default));
        Assert.Equal(1, map.Predict(1, default));
        Assert.Equal(0.5, map.Predict(0.5, default), 12);
    }
}
