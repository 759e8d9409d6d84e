using System.Text;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Offline.Lexicon;
using Discernus.Provenance;
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
        var (json, framework) = await SynthesisInputs.StoreAsync(store, RunId, ResultCount, new SynthesisParams { ExperimentName = "memory", Grouping = ["era", "party"] });
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
