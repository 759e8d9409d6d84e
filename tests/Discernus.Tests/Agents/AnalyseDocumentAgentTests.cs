using System.Text.Json.Nodes;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Tests.Agents;

public sealed class AnalyseDocumentAgentTests : IDisposable
{
    private const string RunId = "20260101T000000Z-abcdef";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "discernus-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task HandleAsync_FailsNamingDocumentHash_WhenTheContractLacksIt()
    {
        var (agent, runs, log) = NewAgent();
        var contract = ValidContract();
        contract.Remove("document_hash");

        var outcome = await agent.HandleAsync(contract.ToJsonString(), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Null(outcome.ResultHash);
        Assert.Contains("document_hash", outcome.Error);
        Assert.Equal(0, runs.ClientRequests);
        // ReportFatalError also writes the reason to the run's log.
        var lines = File.ReadAllLines(Path.Combine(log.Folder.LogsDirectory, "batch_analysis.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Contains(lines, l => (string?)l["log_level"] == "error" && ((string?)l["message"])!.Contains("document_hash", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandleAsync_FailsNamingDocumentHash_WhenItIsEmpty()
    {
        var (agent, runs, _) = NewAgent();
        var contract = ValidContract();
        contract["document_hash"] = "";

        var outcome = await agent.HandleAsync(contract.ToJsonString(), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Contains("document_hash", outcome.Error);
        Assert.Equal(0, runs.ClientRequests);
    }

    [Fact]
    public async Task HandleAsync_Fails_WhenTheContractIsNotJson()
    {
        var (agent, runs, _) = NewAgent();

        var outcome = await agent.HandleAsync("{ not json", CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Contains("analyse_document", outcome.Error);
        Assert.Equal(0, runs.ClientRequests);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private (AnalyseDocumentAgent Agent, RecordingRunServices Runs, RunLog Log) NewAgent()
    {
        var log = new RunLog(new RunFolder(Path.Combine(_root, "runs", RunId), RunId), TimeProvider.System);
        var runs = new RecordingRunServices(log);
        var store = ArtifactStoreFactory.Create(new ArtifactStoreOptions { FolderPath = Path.Combine(_root, "artifacts") });
        return (new AnalyseDocumentAgent(new AgentContext { Store = store, Runs = runs }), runs, log);
    }

    private static JsonObject ValidContract() => JsonNode.Parse(CoordinationJson.Serialize(new AnalyseDocumentTask
    {
        RunId = RunId,
        TaskId = TaskIds.Build(RunId, TaskTypes.AnalyseDocument, 1),
        FrameworkHash = new string('a', 64),
        DocumentHash = new string('b', 64),
        DocumentName = "speech.txt",
        PromptHash = new string('c', 64),
        Model = "lexicon",
        Params = new AnalysisParams(),
    }))!.AsObject();
}
