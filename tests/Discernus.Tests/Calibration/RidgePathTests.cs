using Discernus.Calibration;
using MathNet.Numerics.LinearAlgebra;
using static Discernus.Tests.Calibration.CalibrationTestData;

namespace Discernus.Tests.Calibration;

public sealed class RidgePathTests
{
    [Theory]
    [InlineData(40, 9, 0.1)] // more documents than inputs: XᵀX is decomposed
    [InlineData(12, 30, 0.1)] // more inputs than documents: XXᵀ is decomposed
    [InlineData(12, 30, 31.622776601683793)]
    public void Weights_MatchADirectSolve_OfTheStandardisedProblem(int n, int inputs, double penalty)
    {
        var random = new Random(n + inputs);
        var design = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, inputs).Select(j => (j + 1) * Normal(random)).ToArray()).ToList();
        var labels = design.Select(r => Clip(0.5 + (0.05 * r[0]) - (0.02 * r[1]) + (0.05 * Normal(random)))).ToArray();
        var rows = Enumerable.Range(0, n).ToArray();

        var map = new RidgePath(design, rows, labels).Map(penalty);

        var means = Enumerable.Range(0, inputs).Select(j => design.Average(r => r[j])).ToArray();
        var sds = Enumerable.Range(0, inputs).Select(j => Math.Sqrt(design.Average(r => Math.Pow(r[j] - means[j], 2)))).ToArray();
        var x = Matrix<double>.Build.Dense(n, inputs, (i, j) => (design[i][j] - means[j]) / sds[j]);
        var y = Vector<double>.Build.Dense(n, i => labels[i] - labels.Average());
        var direct = (x.TransposeThisAndMultiply(x) + Matrix<double>.Build.DenseIdentity(inputs) * (n * penalty)).Solve(x.TransposeThisAndMultiply(y));

        Assert.Equal(labels.Average(), map.Intercept, 12);
        Assert.Equal(means, map.Means.ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(sds, map.StandardDeviations.ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        for (var j = 0; j < inputs; j++)
        {
            Assert.Equal(direct[j], map.Weights[j], 8);
        }
    }

    [Fact]
    public void PathPredictions_AreTheMapsPredictions()
    {
        var random = new Random(5);
        var design = Enumerable.Range(0, 30).Select(_ => Enumerable.Range(0, 6).Select(_ => Normal(random)).ToArray()).ToList();
        var labels = design.Select(r => Clip(0.5 + (0.1 * r[2]))).ToArray();
        var path = new RidgePath(design, Enumerable.Range(0, 20).ToArray(), labels);
        var held = Enumerable.Range(20, 10).ToArray();

        var predictions = path.Predict(path.Project(design, held), 1);
        var map = path.Map(1);

        for (var h = 0; h < held.Length; h++)
        {
            var row = design[held[h]];
            Assert.Equal(predictions[h], map.Predict(row[0], row.Skip(1).Select(v => (float)v).ToArray()), 5);
        }
    }

    [Fact]
    public void AConstantInput_GetsNoWeight_AndDoesNotBreakTheFit()
    {
        var random = new Random(9);
        var design = Enumerable.Range(0, 20).Select(_ => new[] { random.NextDouble(), 3.0, Normal(random) }).ToList();
        var labels = design.Select(r => Clip(r[0])).ToArray();

        var map = new RidgePath(design, Enumerable.Range(0, 20).ToArray(), labels).Map(0.01);

        Assert.Equal(1, map.StandardDeviations[1]);
        Assert.Equal(0, map.Weights[1], 12);
        Assert.True(map.Weights[0] > 0.2);
    }

    [Fact]
    public void PenaltyGrid_IsIncreasingHalfDecades()
    {
        var grid = RidgePath.Penalties;

        Assert.Equal(15, grid.Count);
        for (var i = 0; i < grid.Count; i++)
        {
            Assert.Equal(Math.Pow(10, -3 + (0.5 * i)), grid[i], 1e-9 * grid[i]);
        }
    }
}
