using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Coordination;
using Discernus.Models;
using Discernus.Offline.Lexicon;
using Discernus.Provenance;
using Microsoft.Extensions.AI;

/// <summary>
/// The SYNTHESIS stage alone, in a process of its own, so its peak memory is not hidden under the batch analysis's:
/// <c>synthesis-setup &lt;run-folder&gt; &lt;copies&gt; &lt;work-dir&gt;</c> stores the framework, the synthesis prompt and
/// every analysis result of a finished run <c>copies</c> times (each copy a different document) in a folder store under
/// the work folder and writes the task contract; <c>synthesis &lt;work-dir&gt;</c> then runs the SynthesisAgent on it
/// (lexicon model) and prints the analyses, the wall time and the process's peak RSS (VmHWM).
/// </summary>
internal static class SynthesisBenchmark
{
    private const string RunId = "20261201T000000Z-bench";

    public static async Task SetUpAsync(string runFolder, int copies, string workDirectory)
    {
        var manifest = RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName));
        var framework = manifest.Framework ?? throw new InvalidOperationException($"{runFolder} records no framework");
        var store = Store(workDirectory);
        var hashes = new List<string>();
        for (var copy = 0; copy < copies; copy++)
        {
            foreach (var hash in manifest.Outputs.AnalysisResults)
            {
                var result = JsonSerializer.Deserialize<AnalysisResult>(
                    await File.ReadAllBytesAsync(Path.Combine(runFolder, "results", "batch_analysis", $"{hash}.json")), DiscernusJson.Indented)!;
                if (copy > 0)
                {
                    var id = $"{result.CorpusDocumentId}_copy{copy}";
                    var document = Hashing.Sha256Hex(id);
                    result = result with
                    {
                        DocumentId = document,
                        DocumentName = $"{id}.txt",
                        CorpusDocumentId = id,
                        ProcessingMetadata = result.ProcessingMetadata with { DocumentHash = document },
                    };
                }

                hashes.Add(await store.PutAsync(DiscernusJson.Serialize(result)));
            }
        }

        var contract = new SynthesizeResultsTask
        {
            RunId = RunId,
            TaskId = TaskIds.Build(RunId, TaskTypes.SynthesizeResults, 1),
            AnalysisResultsIndex = await store.PutAsync(AnalysisResultIndex.Serialize(hashes)),
            AnalysisResultCount = hashes.Count,
            FrameworkHash = await store.PutAsync(await File.ReadAllBytesAsync(Path.Combine(runFolder, framework.Asset))),
            PromptHash = await store.PutAsync(PromptLibrary.Load(PromptLibrary.SynthesizeResults).Content),
            Model = ModelName.LexiconName,
            Params = new SynthesisParams { ExperimentName = "bench", Grouping = ["era", "party"] },
        };
        await File.WriteAllTextAsync(Path.Combine(workDirectory, "contract.json"), CoordinationJson.Serialize(contract));
        Console.WriteLine($"stored {hashes.Count} analysis results in {workDirectory}");
    }

    public static async Task RunAsync(string workDirectory)
    {
        var contract = await File.ReadAllTextAsync(Path.Combine(workDirectory, "contract.json"));
        var agent = new SynthesisAgent(new AgentContext { Store = Store(workDirectory), Runs = new LexiconRuns() });
        var before = PeakRssMegabytes();
        var clock = Stopwatch.StartNew();
        var outcome = await agent.HandleAsync(contract, CancellationToken.None);
        clock.Stop();
        if (!outcome.Succeeded)
        {
            throw new InvalidOperationException(outcome.Error);
        }

        var count = JsonSerializer.Deserialize<JsonElement>(contract).GetProperty("analysis_result_count").GetInt32();
        // What the synthesis leaves behind in this process (pools, caches): the managed heap after a full collection.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var after = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var largeObjects = after.GenerationInfo[3].SizeAfterBytes / (1024 * 1024);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| synthesis of {count} analyses (lexicon) | {clock.Elapsed.TotalSeconds:F1} s | peak RSS {PeakRssMegabytes()} MB (before: {before} MB) | allocated {GC.GetTotalAllocatedBytes() / (1024 * 1024)} MB, {GC.CollectionCount(2)} gen2 collections | left on the heap: {after.HeapSizeBytes / (1024 * 1024)} MB, large objects {largeObjects} MB |"));
    }

    private static IArtifactStore Store(string workDirectory) =>
        ArtifactStoreFactory.Create(new ArtifactStoreOptions { FolderPath = Path.Combine(workDirectory, "artifacts"), Backend = "folder" });

    private static long PeakRssMegabytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private sealed class LexiconRuns : IRunServices
    {
        public RunLog? LogFor(string runId) => null;

        public IChatClient ClientFor(string runId, string model) => new LexiconChatClient();

        public decimal? CostOf(string model, long promptTokens, long completionTokens) => 0m;
    }
}
