using System.Text.Json;
using Discernus.Coordination;
using Discernus.Orchestration.Stages;
using Discernus.Provenance;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// Issue 17: a run's analyses are computed from their position instead of held as task objects (a million planned
/// analyses held 600 MB). The plan must still be the one the Orchestrator always made: every document by every model
/// and run, in the order model → run → document, with ids that are a pure function of the manifest, each contract
/// carrying its document's hash, name, id and metadata, and each task found again by its id.
/// </summary>
public sealed class AnalysisPlanTests : IDisposable
{
    private const int Documents = 5;
    private readonly TempFolder _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task ThePlan_IsEveryDocumentByEveryModelAndRun_InTheOrderModelRunDocument()
    {
        var harness = await StageHarness.CreateAsync(_root.Path, Documents, new ManifestModels { Names = ["lexicon", "minilm"], Source = "flag", RunsPerModel = 2 });
        var documents = harness.Run.ReadDocuments();
        var plan = AnalysisPlan.Read(harness.Run);

        Assert.Equal(2 * 2 * Documents, plan.Count);
        var n = 0;
        foreach (var model in new[] { "lexicon", "minilm" })
        {
            for (var run = 1; run <= 2; run++)
            {
                foreach (var document in documents)
                {
                    var task = plan[n];
                    Assert.Equal(TaskIds.Build(harness.Folder.RunId, TaskTypes.AnalyseDocument, n + 1), task.TaskId);
                    Assert.Equal(task.TaskId, plan.TaskId(n));
                    Assert.Equal((model, document.File), (task.Model, task.DocumentName));

                    var contract = JsonSerializer.Deserialize(task.Contract("00-trace-01"), CoordinationJson.TypeInfo<AnalyseDocumentTask>())!;
                    Assert.Equal((task.TaskId, harness.Folder.RunId, model, "00-trace-01"), (contract.TaskId, contract.RunId, contract.Model, contract.Traceparent));
                    Assert.Equal((document.TextSha256, document.File, document.DocumentId, run), (contract.DocumentHash, contract.DocumentName, contract.Params.CorpusDocumentId, contract.Params.Run));
                    Assert.Equal(harness.Run.Manifest.Framework!.Sha256, contract.FrameworkHash);
                    Assert.Equal(harness.Run.PromptHash(global::Discernus.Agents.PromptLibrary.AnalyseDocument), contract.PromptHash);
                    var metadata = contract.Params.Extra!["metadata"].Deserialize<Dictionary<string, string>>()!;
                    Assert.Equal(document.Metadata.OrderBy(kv => kv.Key), metadata.OrderBy(kv => kv.Key));
                    n++;
                }
            }
        }

        // The documents alternate between two tones: both appear, each document keeps its own.
        Assert.Equal(2, documents.Select(d => d.Metadata["tone"]).Distinct().Count());
    }

    [Fact]
    public async Task EachTask_IsFoundByItsId_AndNoOtherIdFindsOne()
    {
        var harness = await StageHarness.CreateAsync(_root.Path, Documents, new ManifestModels { Names = ["lexicon"], Source = "flag", RunsPerModel = 3 });
        var plan = AnalysisPlan.Read(harness.Run);
        var runId = harness.Folder.RunId;

        Assert.All(Enumerable.Range(0, plan.Count), i => Assert.Equal(i, plan.IndexOf(plan[i].TaskId)));
        Assert.Equal(-1, plan.IndexOf(TaskIds.Build(runId, TaskTypes.AnalyseDocument, 0)));
        Assert.Equal(-1, plan.IndexOf(TaskIds.Build(runId, TaskTypes.AnalyseDocument, plan.Count + 1)));
        Assert.Equal(-1, plan.IndexOf(TaskIds.Build(runId, TaskTypes.SynthesizeResults, 1)));
        Assert.Equal(-1, plan.IndexOf(TaskIds.Build("20260101T000000Z-000000", TaskTypes.AnalyseDocument, 1)));
        Assert.Equal(-1, plan.IndexOf($"{runId}:{TaskTypes.AnalyseDocument}:01"));
        Assert.Equal(-1, plan.IndexOf("not a task id"));
    }

    [Fact]
    public async Task AManifestDocumentWithoutATextHash_StopsThePlanWithItsName()
    {
        var harness = await StageHarness.CreateAsync(_root.Path, Documents);
        var manifest = harness.Folder.ManifestPath;
        var text = await File.ReadAllTextAsync(manifest);
        var hash = harness.Run.ReadDocuments()[2].TextSha256;
        await File.WriteAllTextAsync(manifest, text.Replace($"\"text_sha256\": \"{hash}\"", "\"text_sha256\": \"edited\"", StringComparison.Ordinal));

        var error = Assert.Throws<Discernus.Orchestration.RunFailedException>(() => AnalysisPlan.Read(harness.Run));
        Assert.Contains(harness.Run.ReadDocuments()[2].File, error.Message, StringComparison.Ordinal);
        Assert.Contains("text_sha256", error.Message, StringComparison.Ordinal);
    }
}
