using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Orchestration;

/// <summary>A stage whose tasks nobody takes fails the run with a diagnosis instead of waiting forever.</summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class StallDetectionTests
{
    [Fact]
    public async Task Run_Fails_WhenNoWorkerTakesTheTasks()
    {
        using var experiment = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var options = new HostOptions
        {
            RunWorkers = false,
            Orchestrator = new OrchestratorOptions { StallTimeout = TimeSpan.FromSeconds(3) },
            Settings = DiscernusSettings.Defaults,
            ArtifactsDirectory = experiment.Outside("artifacts"),
        };
        await using var host = await DiscernusHost.StartAsync(options);

        var (runId, runFolder) = await HostRuns.SubmitAsync(host, experiment.Path);
        var state = await HostRuns.WaitForFinalStateAsync(host, runId);

        Assert.Equal(RunStatus.Failed, state.Status);
        Assert.Contains("made no progress", state.Error);
        var manifest = RunFolderChecks.Manifest(runFolder);
        Assert.Equal(RunStatus.Failed, (string?)manifest["status"]);
        var error = (string?)manifest["error"];
        Assert.Contains("BATCH ANALYSIS made no progress", error);
        Assert.Contains("No worker is taking tasks", error);
        var stages = manifest["stages"]!.AsArray().ToDictionary(s => (string)s!["name"]!, s => (string?)s!["status"]);
        Assert.Equal(RunStatus.Failed, stages[StageNames.BatchAnalysis]);
        Assert.Equal("skipped", stages[StageNames.Synthesis]);
        Assert.Equal("skipped", stages[StageNames.Report]);
    }
}
