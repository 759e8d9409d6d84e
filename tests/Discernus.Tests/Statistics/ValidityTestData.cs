using System.Globalization;
using Discernus.Experiments;
using Discernus.Statistics;

namespace Discernus.Tests.Statistics;

/// <summary>Seeded synthetic gold files and model readings for the validity tests: coders = latent truth + noise.</summary>
internal static class ValidityTestData
{
    public static string Id(int document) => "doc" + document.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>
    /// A latent truth per document, uniform on [0.1, 0.9] unless <paramref name="truth"/> draws it, and coders who each
    /// read it with normal noise, clamped to the 0–1 scale. With <paramref name="coders"/> above
    /// <paramref name="codersPerDocument"/> each document gets a seeded random subset (a sparse design).
    /// </summary>
    public static (double[] Truth, List<GoldRating> Gold) Coders(
        int documents,
        int coders,
        int codersPerDocument,
        double noise,
        int seed,
        string dimension = "valence",
        Func<Random, double>? truth = null)
    {
        var random = new Random(seed);
        var latent = new double[documents];
        var gold = new List<GoldRating>();
        for (var d = 0; d < documents; d++)
        {
            latent[d] = truth?.Invoke(random) ?? 0.1 + (0.8 * random.NextDouble());
            var chosen = codersPerDocument >= coders
                ? Enumerable.Range(0, coders)
                : Enumerable.Range(0, coders).OrderBy(_ => random.Next()).Take(codersPerDocument).Order();
            foreach (var c in chosen)
            {
                var score = Math.Clamp(latent[d] + (noise * Normal(random)), 0, 1);
                gold.Add(new GoldRating(Id(d), dimension, score, "coder" + c.ToString("D3", CultureInfo.InvariantCulture)));
            }
        }

        return (latent, gold);
    }

    /// <summary>One run of a model over every document, each score <paramref name="score"/>(document index, random).</summary>
    public static List<AnalysisRecord> Model(string model, int documents, Func<int, Random, double> score, int seed, string dimension = "valence")
    {
        var random = new Random(seed);
        return Enumerable.Range(0, documents)
            .Select(d => StatisticsTestData.Record(
                Id(d),
                new Dictionary<string, DimensionValues> { [dimension] = new(score(d, random), 0.5, 0.8) },
                model: model))
            .ToList();
    }

    /// <summary>The coders' mean score of each document.</summary>
    public static double[] CodersMean(int documents, IEnumerable<GoldRating> gold)
    {
        var means = gold.GroupBy(g => g.DocumentId).ToDictionary(g => g.Key, g => g.Average(r => r.Score));
        return Enumerable.Range(0, documents).Select(d => means[Id(d)]).ToArray();
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
