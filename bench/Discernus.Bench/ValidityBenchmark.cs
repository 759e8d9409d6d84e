using System.Diagnostics;
using System.Globalization;
using Discernus.Experiments;
using Discernus.Statistics;

/// <summary>
/// ValidityCalculator on synthetic gold in the real study's design (every document coded by 5 of 219 coders, 2
/// dimensions, 2 models, 1,000 resamples), at 600 coded documents and at 10,000, then at twice each size to show the
/// cost grows linearly: <c>validity</c>. Coders read a latent truth with noise; one model is close to it, one is noise.
/// </summary>
internal static class ValidityBenchmark
{
    private static readonly string[] Dimensions = ["valence", "arousal"];

    public static void Run()
    {
        Measure(100, warmUp: true);
        foreach (var documents in new[] { 600, 1200, 10_000, 20_000 })
        {
            Measure(documents, warmUp: false);
        }
    }

    private static void Measure(int documents, bool warmUp)
    {
        var (records, gold) = Synthetic(documents, seed: 1);
        // CPU time as well as wall time: the benchmark machines are shared, and only the first says what the work costs.
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var summary = ValidityCalculator.Compute(records, Dimensions, gold, new ValiditySettings())!;
        watch.Stop();
        process.Refresh();
        cpu = process.TotalProcessorTime - cpu;
        if (warmUp)
        {
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {documents:N0} coded documents × 5 of 219 coders × 2 dimensions × 2 models, 1,000 resamples | {gold.Count:N0} ratings | {watch.Elapsed.TotalSeconds:F2} s wall | {cpu.TotalSeconds:F2} s CPU |"));
        if (documents == 600)
        {
            var valence = summary.Dimension("valence")!;
            Console.WriteLine($"  valence: {valence.Status}: {valence.Reason}");
            Console.WriteLine($"  coders listed {summary.Coders.Count}, not listed {summary.CodersNotListed}, design {summary.Gold.Design}");
        }
    }

    private static (List<AnalysisRecord> Records, List<GoldRating> Gold) Synthetic(int documents, int seed)
    {
        var random = new Random(seed);
        var records = new List<AnalysisRecord>();
        var gold = new List<GoldRating>();
        for (var d = 0; d < documents; d++)
        {
            var id = "doc" + d.ToString("D6", CultureInfo.InvariantCulture);
            var truth = Dimensions.ToDictionary(x => x, _ => 0.1 + (0.8 * random.NextDouble()));
            var coders = Enumerable.Range(0, 219).OrderBy(_ => random.Next()).Take(5).ToList();
            foreach (var dimension in Dimensions)
            {
                foreach (var coder in coders)
                {
                    var score = Math.Clamp(truth[dimension] + (0.15 * (random.NextDouble() - 0.5)), 0, 1);
                    gold.Add(new GoldRating(id, dimension, score, "coder" + coder.ToString("D3", CultureInfo.InvariantCulture)));
                }
            }

            records.Add(Record(id, "close", Dimensions.ToDictionary(x => x, x => Math.Clamp(truth[x] + (0.1 * (random.NextDouble() - 0.5)), 0, 1))));
            records.Add(Record(id, "noise", Dimensions.ToDictionary(x => x, _ => random.NextDouble())));
        }

        return (records, gold);
    }

    private static AnalysisRecord Record(string id, string model, Dictionary<string, double> scores) => new()
    {
        DocumentName = id + ".txt",
        CorpusDocumentId = id,
        Model = model,
        Dimensions = scores.ToDictionary(s => s.Key, s => new DimensionValues(s.Value, 0.5, 0.8)),
    };
}
