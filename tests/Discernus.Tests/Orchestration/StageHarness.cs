using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Orchestration.Stages;
using Discernus.Provenance;
using Discernus.Tests.Faults;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// A real run (its folder set up by <see cref="RunSetup"/> over a packed folder store, its context and log) of a
/// synthetic experiment, and planned analysis tasks for it, so a stage's bookkeeping (<see cref="StageTasks"/>) can be
/// driven signal by signal without an Orchestrator.
/// </summary>
internal sealed record StageHarness(RunContext Run, RunFolder Folder, FolderArtifactStore Store, List<PlannedTask> Tasks)
{
    public static async Task<StageHarness> CreateAsync(string root, int documents, ManifestModels? runModels = null)
    {
        var experiment = SyntheticExperiment.Create(root, "stage", documents);
        var report = ExperimentValidator.Validate(experiment, new ExperimentLimits(), readDocuments: false);
        var store = new FolderArtifactStore(Path.Combine(root, "store"), pack: true);
        var (_, readings) = await DocumentIntake.ReadAsync(report.Experiment!, store, null);
        var models = runModels ?? new ManifestModels { Names = ["lexicon"], Source = "default" };
        var (folder, _) = await new RunSetup(store, TimeProvider.System).SetUpAsync(new RunSetupRequest
        {
            Validation = report,
            Prompts = PromptLibrary.All(),
            Models = models,
            SoftwareVersion = "test",
            Documents = readings,
        });
        var run = new RunContext(folder, new RunLog(folder, TimeProvider.System), report.Experiment!, models, TimeProvider.System);
        var tasks = Enumerable.Range(1, documents)
            .Select(i => TaskIds.Build(folder.RunId, TaskTypes.AnalyseDocument, i))
            .Select((id, i) => new PlannedTask(id, _ => $"{{\"task_id\":\"{id}\"}}", $"{i:D3}.txt", "lexicon"))
            .ToList();
        return new StageHarness(run, folder, store, tasks);
    }

    /// <summary>The lines the stage logged so far.</summary>
    public string Log(string stage = StageNames.BatchAnalysis)
    {
        Run.Log.Dispose();
        return File.ReadAllText(Path.Combine(Folder.Path, RunFolder.LogsFolder, stage + ".jsonl"));
    }
}
