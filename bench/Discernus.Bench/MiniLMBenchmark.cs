using System.Diagnostics;
using System.Globalization;
using Discernus.Artifacts;
using Discernus.Experiments;
using Discernus.MiniLM;
using Discernus.Models;
using Discernus.Offline;
using Discernus.Offline.Lexicon;
using MathNet.Numerics.Statistics;
using Microsoft.Extensions.AI;

/// <summary>
/// `dotnet run -c Release --project bench/Discernus.Bench -- minilm [--details]`: the offline semantic model on every
/// example experiment, in-process (no Redis): model load time, ms per document with an empty embedding cache and
/// with a warm one, and per dimension the agreement (Pearson r, Spearman rho) of its raw scores with the lexicon's
/// across the documents. `--details` also prints every document's scores from both models. Numbers go to docs/benchmarks.md.
/// </summary>
internal static class MiniLMBenchmark
{
    private static readonly string[] Projects = ["nano", "political_rhetoric", "institutional_communications", "academic_discourse"];

    /// <summary>
    /// `... -- minilm-encoder [sentences]`: the encoder alone on short sentences, three ways: one call per sentence in
    /// turn (a run's single agent), one call per sentence from 8 callers at once (a run's agent loops, whose calls the
    /// encoder merges into one batch per turn), and one call with every sentence (the ceiling).
    /// </summary>
    public static async Task RunEncoderAsync(int count)
    {
        var subjects = new[] { "The council", "My neighbour", "The new policy", "This film", "Our team", "The weather" };
        var predicates = new[] { "was a pleasant surprise", "made everyone furious", "left me rather indifferent", "is the best thing that happened this year", "ruined the whole weekend", "seems fine, I suppose" };
        var sentences = Enumerable.Range(0, count).Select(i => $"{subjects[i % subjects.Length]} {predicates[i / subjects.Length % predicates.Length]} ({i}).").ToArray();
        using var encoder = new MiniLMEncoder();
        await encoder.EmbedAsync(["Loading the model."]);

        var sequential = Stopwatch.StartNew();
        foreach (var sentence in sentences)
        {
            await encoder.EmbedAsync([sentence]);
        }

        sequential.Stop();
        var batchesBefore = encoder.BatchesRun;
        var concurrent = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < sentences.Length; i = Interlocked.Increment(ref next))
            {
                await encoder.EmbedAsync([sentences[i]]);
            }
        })));
        concurrent.Stop();
        var concurrentBatches = encoder.BatchesRun - batchesBefore;
        var whole = Stopwatch.StartNew();
        await encoder.EmbedAsync(sentences);
        whole.Stop();

        string Rate(Stopwatch clock) => (sentences.Length / clock.Elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture);
        Console.WriteLine($"| encoder, {sentences.Length} short sentences | one call at a time | 8 callers at once | one call with all |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| sentences/s | {Rate(sequential)} | {Rate(concurrent)} ({concurrentBatches} batches) | {Rate(whole)} |");
    }

    public static async Task RunAsync(string root, bool details)
    {
        var storeFolder = Directory.CreateTempSubdirectory("discernus-bench-minilm-");
        try
        {
            var store = ArtifactStoreFactory.Create(new ArtifactStoreOptions { FolderPath = storeFolder.FullName, Backend = "folder" });
            using var model = new MiniLMOfflineModel(store);
            using var client = (MiniLMChatClient)model.CreateClient();
            using var lexicon = new LexiconChatClient();

            var load = Stopwatch.StartNew();
            await client.ScoreAsync(TinyFramework(), "Loading the model.");
            load.Stop();
            Console.WriteLine($"model load + first call: {load.Elapsed.TotalMilliseconds:F0} ms");
            Console.WriteLine();
            Console.WriteLine("| experiment | documents | words/document | units/document | cold ms/document | warm ms/document | lexicon ms/document |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            var agreement = new List<string>();
            foreach (var project in Projects)
            {
                var experiment = new ExperimentReader().Read(Path.Combine(root, "projects", project)).Experiment
                    ?? throw new InvalidOperationException($"the example experiment {project} is not valid");
                var framework = experiment.Framework;
                var documents = experiment.Corpus.Documents.Select(d => (d.FileName, Text: File.ReadAllText(d.FullPath))).ToList();

                var cold = Stopwatch.StartNew();
                var semantic = new List<Dictionary<string, double?>>();
                var tops = new List<Dictionary<string, double>>();
                var units = 0;
                foreach (var (_, text) in documents)
                {
                    var (scores, count) = await client.ScoreAsync(framework, text);
                    units += count;
                    semantic.Add(scores.ToDictionary(s => s.Dimension, s => (double?)s.RawScore));
                    tops.Add(scores.ToDictionary(s => s.Dimension, s => s.TopSimilarity));
                }

                cold.Stop();
                var warm = Stopwatch.StartNew();
                foreach (var (_, text) in documents)
                {
                    await client.ScoreAsync(framework, text);
                }

                warm.Stop();
                var lexical = new List<Dictionary<string, double?>>();
                var lexiconTime = Stopwatch.StartNew();
                foreach (var (_, text) in documents)
                {
                    lexical.Add(await LexiconScoresAsync(lexicon, framework, text));
                }

                lexiconTime.Stop();
                var words = documents.Sum(d => LexiconScorer.CountWords(d.Text)) / documents.Count;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {project} | {documents.Count} | {words} | {units / documents.Count} | {cold.Elapsed.TotalMilliseconds / documents.Count:F0} | {warm.Elapsed.TotalMilliseconds / documents.Count:F1} | {lexiconTime.Elapsed.TotalMilliseconds / documents.Count:F1} |"));

                foreach (var dimension in framework.Dimensions)
                {
                    var pairs = Enumerable.Range(0, documents.Count)
                        .Where(i => lexical[i][dimension.Name] is not null && semantic[i][dimension.Name] is not null)
                        .Select(i => (Lexicon: lexical[i][dimension.Name]!.Value, MiniLM: semantic[i][dimension.Name]!.Value))
                        .ToList();
                    agreement.Add(string.Create(CultureInfo.InvariantCulture,
                        $"| {project} | {dimension.Name} | {pairs.Count} | {Format(Pearson(pairs))} | {Format(Spearman(pairs))} | {pairs.Select(p => p.Lexicon).DefaultIfEmpty().Average():F3} | {semantic.Average(s => s[dimension.Name] ?? 0):F3} |"));
                }

                if (details)
                {
                    for (var i = 0; i < documents.Count; i++)
                    {
                        Console.WriteLine($"    {documents[i].FileName}: " + string.Join("  ", framework.Dimensions.Select(d =>
                            string.Create(CultureInfo.InvariantCulture, $"{d.Name} lex {Format(lexical[i][d.Name])} minilm {Format(semantic[i][d.Name])} top {tops[i][d.Name]:F2}"))));
                    }
                }
            }

            Console.WriteLine();
            Console.WriteLine("| experiment | dimension | documents | Pearson r | Spearman rho | lexicon mean | minilm mean |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            agreement.ForEach(Console.WriteLine);
            Console.WriteLine();
            Console.WriteLine($"texts embedded: {model.TextsEncoded}");
        }
        finally
        {
            storeFolder.Delete(recursive: true);
        }
    }

    private static async Task<Dictionary<string, double?>> LexiconScoresAsync(LexiconChatClient lexicon, Framework framework, string text)
    {
        var options = new ChatOptions
        {
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                [LexiconInputs.Task] = LexiconInputs.AnalysisTask,
                [LexiconInputs.Framework] = framework,
                [LexiconInputs.DocumentText] = text,
            },
        };
        var response = await lexicon.GetResponseAsync([new ChatMessage(ChatRole.User, "analyse")], options);
        var analysis = AnalysisAnswerValidator.Validate(response.Text, framework, allowNotScorable: true).Analysis
            ?? throw new InvalidOperationException("the lexicon answer is not valid");
        return analysis.Dimensions.ToDictionary(d => d.Name, d => d.Score);
    }

    private static double? Pearson(List<(double Lexicon, double MiniLM)> pairs) => pairs.Count < 3 ? null : Defined(Correlation.Pearson(pairs.Select(p => p.Lexicon), pairs.Select(p => p.MiniLM)));

    private static double? Spearman(List<(double Lexicon, double MiniLM)> pairs) => pairs.Count < 3 ? null : Defined(Correlation.Spearman(pairs.Select(p => p.Lexicon), pairs.Select(p => p.MiniLM)));

    private static double? Defined(double value) => double.IsFinite(value) ? value : null;

    private static string Format(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "n/a";

    private static Framework TinyFramework() => new()
    {
        Name = "warm-up",
        FilePath = "warm-up.md",
        Text = "warm-up",
        Dimensions = [new Dimension { Name = "warm_up", Description = "Loading the model." }],
    };
}
