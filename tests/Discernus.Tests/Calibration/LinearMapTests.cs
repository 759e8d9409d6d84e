using Discernus.Calibration;

namespace Discernus.Tests.Calibration;

public sealed class LinearMapTests
{
    [Fact]
    public void Fit_RecoversAnExactLine()
    {
        double[] x = [0.1, 0.2, 0.4, 0.7];
        var y = x.Select(v => 0.05 + (1.25 * v)).ToArray();

        var map = LinearMap.Fit(x, y);

        Assert.Equal(0.05, map.Intercept, 12);
        Assert.Equal(1.25, map.Slope, 12);
    }

    [Fact]
    public void Fit_WithoutSpreadInTheScores_IsTheMeanLabel()
    {
        var map = LinearMap.Fit([0.3, 0.3, 0.3], [0.1, 0.5, 0.6]);

        Assert.Equal(0, map.Slope);
        Assert.Equal(0.4, map.Predict(0.9, default), 12);
    }

    [Fact]
    public void Predictions_AreClippedToTheScale()
    {
        var map = new LinearMap(-0.5, 2);

        Assert.Equal(0, map.Predict(0.1, default));
        Assert.Equal(1, map.Predict(0.9, default));
        Assert.Equal(0.5, map.Predict(0.5, default), 12);
    }
}
