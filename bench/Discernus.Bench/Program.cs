using System.Diagnostics;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Offline;
using Discernus.Offline.Lexicon;
using Microsoft.Extensions.AI;

// Micro-benchmarks of the per-document work of the offline pipeline, in-process, no Redis:
// lexicon scoring, answer validation and evidence verification on the political_rhetoric example.
// Usage: dotnet run -c Release --project bench/Discernus.Bench [-- <iterations>]
// The offline semantic model (minilm): dotnet run -c Release --project bench/Discernus.Bench -- minilm [--details]
// Its encoder alone, one call per sentence against merged calls: ... -- minilm-encoder [sentences]
// The synthesis stage alone: ... -- synthesis-setup <run-folder> <copies> <work-dir>, then ... -- synthesis <work-dir>
// The hostile inputs of issue 14, one case per process (bench/hostile.sh): ... -- hostile pdf-lines|pdf-air|lexicon-single-line [MB]
// Coordination throughput on an external Redis: dotnet run -c Release --project bench/Discernus.Bench -- coordination --redis URL
// Validity statistics on synthetic gold (600 and 10,000 coded documents): dotnet run -c Release --project bench/Discernus.Bench -- validity
// The validity benchmark on EmoBank (bench/validity.sh): ... -- emobank-build <checkout> <work-dir> --framework FILE [--sentences N]
// [--coded N] [--seed S], then ... -- emobank-analyse <work-dir> <runs.tsv> [--json FILE]
if (args.Length > 0 && args[0] == "coordination")
{
    return await CoordinationBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "validity")
{
    ValidityBenchmark.Run();
    return 0;
}

if (args.Length > 0 && args[0] == "emobank-build")
{
    return EmoBankBuilder.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "emobank-analyse")
{
    return EmoBankAnalysis.Run(args[1..]);
}

var root = FindRoot();
if (args.Length > 0 && args[0] == "hostile")
{
    return await HostileBenchmark.RunAsync(root, args[1..]);
}

if (args.Length > 0 && args[0] == "minilm-encoder")
{
    await MiniLMBenchmark.RunEncoderAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 600);
    return 0;
}

if (args.Length > 0 && args[0] == "minilm")
{
    await MiniLMBenchmark.RunAsync(root, args.Contains("--details"));
    return 0;
}

if (args.Length == 4 && args[0] == "synthesis-setup")
{
    await SynthesisBenchmark.SetUpAsync(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args[3]);
    return 0;
}

if (args.Length == 2 && args[0] == "synthesis")
{
    await SynthesisBenchmark.RunAsync(args[1]);
    return 0;
}

var iterations = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200;
var report = new ExperimentReader().Read(Path.Combine(root, "projects", "political_rhetoric"));
var experiment = report.Experiment ?? throw new InvalidOperationException("the example experiment is not valid");
var framework = experiment.Framework;
var documents = experiment.Corpus.Documents.Select(d => File.ReadAllText(d.FullPath)).ToList();
var lexicon = new LexiconChatClient();
var messages = new List<ChatMessage> { new(ChatRole.User, "analyse") };

async Task<string> AnalyseAsync(string text)
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
    return (await lexicon.GetResponseAsync(messages, options)).Text;
}

// Warm up the JIT and regex caches; the first document's time is what a short run pays once (regex construction, JIT).
var first = Stopwatch.StartNew();
await AnalyseAsync(documents[0]);
first.Stop();
foreach (var text in documents)
{
    await AnalyseAsync(text);
}

var words = documents.Sum(LexiconScorer.CountWords) / documents.Count;
var analysis = Stopwatch.StartNew();
var answers = new List<string>();
for (var i = 0; i < iterations; i++)
{
    answers.Add(await AnalyseAsync(documents[i % documents.Count]));
}

analysis.Stop();
var validation = Stopwatch.StartNew();
var quotes = 0;
for (var i = 0; i < answers.Count; i++)
{
    var result = AnalysisAnswerValidator.Validate(answers[i], framework, allowNotScorable: true);
    foreach (var quote in result.Analysis!.Dimensions.SelectMany(d => d.Evidence))
    {
        quotes++;
        EvidenceVerifier.IsVerified(quote, documents[i % documents.Count]);
    }
}

validation.Stop();
Console.WriteLine($"| lexicon analysis ({framework.Dimensions.Count} dimensions, {framework.Dimensions.Sum(d => d.PositiveMarkers.Count + d.NegativeMarkers.Count)} markers, ~{words} words/document) | {analysis.Elapsed.TotalMilliseconds / iterations:F2} ms/document |");
Console.WriteLine($"| lexicon analysis, first document of the process (marker regexes built, JIT) | {first.Elapsed.TotalMilliseconds:F0} ms |");
Console.WriteLine($"| answer validation + evidence verification ({quotes / Math.Max(1, iterations)} quotes/document) | {validation.Elapsed.TotalMilliseconds / iterations:F2} ms/document |");
return 0;

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Discernus.sln")))
        {
            return dir.FullName;
        }
    }

    throw new DirectoryNotFoundException("run from inside the repository");
}
