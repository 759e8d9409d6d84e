using Discernus.Calibration;
using Discernus.Statistics;
using MathNet.Numerics.Statistics;

namespace Discernus.Tests.Calibration;

/// <summary>Seeded synthetic coded samples: a truth on [0, 1], a model's reading of it, coders' labels, and features.</summary>
internal static class CalibrationTestData
{
    public static string Id(int i) => $"doc{i:D5}";

    public static List<string> Ids(int n) => Enumerable.Range(0, n).Select(Id).ToList();

    public static double Normal(Random random)
    {
        // Box–Muller: enough for test data, and the same on every run of the test.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public static double Clip(double value) => Math.Clamp(value, 0, 1);

    public static double[] Truth(Random random, int n) => Enumerable.Range(0, n).Select(_ => 0.05 + (0.9 * random.NextDouble())).ToArray();

    /// <summary>Labels as coders give them: the truth with a little disagreement, on the scale.</summary>
    public static double[] Coded(Random random, IReadOnlyList<double> truth, double noise = 0.03) =>
        truth.Select(t => Clip(t + (noise * Normal(random)))).ToArray();

    /// <summary>
    /// A truth that is a linear function of the first <paramref name="relevant"/> of <paramref name="features"/> noisy
    /// features, a weak model (the truth plus a lot of noise) and the coders' labels. The relevant features are latent
    /// factors observed with noise; the others are noisy mixtures of the same factors, as the dimensions of a sentence
    /// embedding are. (With 400 independent features and 240 training documents no ridge can reach r 0.8: its
    /// out-of-sample R² is capped near n/p = 0.6, whatever the sparsity; see the report.)
    /// </summary>
    public static (CalibrationSample Sample, double[] Truth) SparseLinear(int n, int features, int relevant, int seed, bool independent = false)
    {
        var random = new Random(seed);
        var signs = Enumerable.Range(0, relevant).Select(_ => random.NextDouble() < 0.5 ? -1.0 : 1.0).ToArray();
        var loadings = Enumerable.Range(0, features).Select(_ => Enumerable.Range(0, relevant).Select(_ => Normal(random) / Math.Sqrt(relevant)).ToArray()).ToArray();
        var rows = new List<float[]>();
        var truth = new double[n];
        for (var i = 0; i < n; i++)
        {
            var latent = Enumerable.Range(0, relevant).Select(_ => Normal(random)).ToArray();
            var row = new float[features];
            for (var j = 0; j < features; j++)
            {
                row[j] = independent ? (float)Normal(random)
                    : j < relevant ? (float)(latent[j] + (0.3 * Normal(random)))
                    : (float)(loadings[j].Select((w, k) => w * latent[k]).Sum() + Normal(random));
            }

            rows.Add(row);
            truth[i] = Clip(0.5 + (0.12 * Enumerable.Range(0, relevant).Sum(j => signs[j] * row[j]) / Math.Sqrt(relevant)));
        }

        var raw = truth.Select(t => Clip(t + (0.2 * Normal(random)))).ToArray();
        return (new CalibrationSample(Ids(n), raw, Coded(random, truth), rows, "synthetic features"), truth);
    }

    public static double Pearson(IEnumerable<double> x, IEnumerable<double> y) => Correlation.Pearson(x, y);

    public static double Ccc(IReadOnlyList<double> x, IReadOnlyList<double> y) => AgreementStatistics.LinCcc(x, y)!.Value;

    public static IReadOnlyList<T> Shuffled<T>(IReadOnlyList<T> values, int seed)
    {
        var copy = values.ToArray();
        new Random(seed).Shuffle(copy);
        return copy;
    }
}
