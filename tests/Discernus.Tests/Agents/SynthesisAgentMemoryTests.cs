using System.Text;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Offline.Lexicon;
using Discernus.Provenance;
using Discernus.Tests.Experiments;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;

namespace Discernus.Tests.Agents;

/// <summary>
/// A synthesis keeps the numbers of each analysis, not the analysis: its live memory stays far below what the results
/// themselves would take, measured with full collections at every write, every 500th read and the model call.
/// </summary>
[Collection(MemoryMeasurementsCollection.Name)]
public sealed class SynthesisAgentMemoryTests(ITestOutputHelper output) : IDisposable
{
    private const string RunId = "20261201T000000Z-memory";
    private const int ResultCount = 20_000;

    // The compact record, the export ordering and the spool offset of an analysis take about 1 KB (measured: ~24 MB
    // for 20,000); the results of this test, with fifteen quotes each, take about 12 KB each once read (over 200 MB
    // for 20,000). 48 MB leaves twice the measured room and still fails if results or their quotes are kept.
    private const long LiveBytesBound = 48L * 1024 * 1024;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "discernus-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task SynthesisOf20000Results_KeepsLiveMemoryBounded_AndExportsEveryRow()
    {
        var store = ArtifactStoreFactory.Create(new ArtifactStoreOptions { FolderPath = Path.Combine(_root, "artifacts") });
        var frameworkBytes = await File.ReadAllBytesAsync(Path.Combine(TestPaths.Project("political_rhetoric"), "framework.md"));
        var framework = ExperimentReader.ParseFramework(Encoding.UTF8.GetString(frameworkBytes), "framework.md", "default", out _)!;
        var results = await StoreResultsAsync(store, framework);
        var contract = new SynthesizeResultsTask
        {
            RunId = RunId,
            TaskId = TaskIds.Build(RunId, TaskTypes.SynthesizeResults, 1),
            AnalysisResultsIndex = await store.PutAsync(AnalysisResultIndex.Serialize(results)),
            AnalysisResultCount = results.Count,
            FrameworkHash = await store.PutAsync(frameworkBytes),
            PromptHash = await store.PutAsync(PromptLibrary.Load(PromptLibrary.SynthesizeResults).Content),
            Model = ModelName.LexiconName,
            Params = new SynthesisParams { ExperimentName = "memory", Grouping = ["era", "party"] },
        };
        var json = CoordinationJson.Serialize(contract);
        var meter = new LiveMemoryMeter();
        var agent = new SynthesisAgent(new AgentContext { Store = new MeasuringArtifactStore(store, meter, every: 500), Runs = new MeasuringRunServices(meter) });

        meter.Start();
        var outcome = await agent.HandleAsync(json, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        output.WriteLine($"{meter.Samples} samples; most live memory above the baseline: {meter.MaxGrowth / 1024 / 1024} MB, at {meter.Where}");
        output.WriteLine(string.Join("\n", meter.Log));
        Assert.True(meter.Samples >= ResultCount / 500, $"only {meter.Samples} samples");
        Assert.True(meter.MaxGrowth < LiveBytesBound,
            $"the synthesis of {ResultCount} results kept {meter.MaxGrowth / 1024 / 1024} MB live (at {meter.Where}); the bound is {LiveBytesBound / 1024 / 1024} MB");

        var synthesis = JsonSerializer.Deserialize<SynthesisResult>((await store.GetAsync(outcome.ResultHash!))!, DiscernusJson.Indented)!;
        Assert.Equal(7, synthesis.Exports.Count);
        var scores = Encoding.UTF8.GetString((await store.GetAsync(synthesis.Exports["scores.csv"]))!);
        Assert.Equal(ResultCount + 1, scores.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        var evidence = Encoding.UTF8.GetString((await store.GetAsync(synthesis.Exports["evidence.csv"]))!);
        Assert.Equal(ResultCount * framework.Dimensions.Count * 3 + 1, evidence.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(framework.Dimensions.Count * (EvidenceSelection.QuotesPerDimension + EvidenceSelection.MaxUnverifiedPerDimension), synthesis.Evidence.Count);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    // Each result unique (its own quotes), so nothing can be shared between them by accident.
    private static async Task<List<string>> StoreResultsAsync(IArtifactStore store, Framework framework)
    {
        var hashes = new List<string>(ResultCount);
        for (var i = 0; i < ResultCount; i++)
        {
            var document = Hashing.Sha256Hex($"document {i}");
            var result = new AnalysisResult
            {
                DocumentId = document,
                DocumentName = $"doc_{i:00000}.txt",
                CorpusDocumentId = $"doc_{i:00000}",
                Metadata = new Dictionary<string, string> { ["era"] = $"era_{i % 5}", ["party"] = $"p{i % 3}" },
                FrameworkAnalysis = framework.Dimensions.Select((d, k) => (d.Name, Score: new DimensionScore
                {
                    Score = ((i * 7 + k * 13) % 100) / 100.0,
                    Salience = ((i * 3 + k) % 100) / 100.0,
                    Confidence = 0.5 + ((i + k) % 50) / 100.0,
                    Evidence =
                    [
                        new EvidenceQuote($"Document {i} on {d.Name}: we hold these truths to be self-evident, that all are created equal and endowed with rights.", true),
                        new EvidenceQuote($"Document {i}, second passage on {d.Name}: the government of the people, by the people, for the people shall not perish.", true),
                        new EvidenceQuote($"Document {i}, a passage the text does not hold, about {d.Name} and the many things a model might invent.", false),
                    ],
                })).ToDictionary(x => x.Name, x => x.Score),
                DerivedMetrics = framework.DerivedMetrics.Select((m, k) => (m.Name, Value: (double?)((i + k) % 10 / 10.0))).ToDictionary(x => x.Name, x => x.Value),
                ProcessingMetadata = new ProcessingMetadata
                {
                    Timestamp = "2026-12-01T00:00:00Z",
                    Model = ModelName.LexiconName,
                    ModelVersion = ModelName.LexiconName,
                    TokensUsed = new TokenUsage(4000, 200),
                    PromptHash = new string('a', 64),
                    FrameworkHash = new string('b', 64),
                    DocumentHash = document,
                    TaskId = $"{RunId}:analyse_document:{i + 1}",
                },
            };
            hashes.Add(await store.PutAsync(DiscernusJson.Serialize(result)));
        }

        return hashes;
    }

    /// <summary>No run log; the lexicon as the model, with a sample taken as it is asked.</summary>
    private sealed class MeasuringRunServices(LiveMemoryMeter meter) : IRunServices
    {
        public RunLog? LogFor(string runId) => null;

        public IChatClient ClientFor(string runId, string model) => new MeasuringChatClient(new LexiconChatClient(), meter);

        public decimal? CostOf(string model, long promptTokens, long completionTokens) => 0m;
    }

    private sealed class MeasuringChatClient(IChatClient inner, LiveMemoryMeter meter) : DelegatingChatClient(inner)
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            meter.Sample("the model call");
            return base.GetResponseAsync(messages, options, cancellationToken);
        }
    }
}
