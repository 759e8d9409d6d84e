using Discernus.Application;
using Discernus.Coordination;
using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Experiments;
using Microsoft.Extensions.Logging.Abstractions;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// A run is validated once, by its submitter: the Orchestrator takes the validated experiment by hash and only checks
/// that its files are still what was validated, so the run analyses exactly that or refuses.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ValidationOncePerRunTests
{
    [Fact]
    public async Task Run_IsRefused_WhenTheExperimentFileChangesBetweenValidationAndSetup()
    {
        using var sandbox = PipelineSandbox.Of("nano");
        var options = new WorkspaceOptions { Environment = sandbox.Environment };
        using var limit = new CancellationTokenSource(PipelineSandbox.RunLimit);
        var prepared = await RunLauncher.PrepareAsync(new RunOrder(sandbox.ExperimentPath) { Model = "lexicon" }, options, limit.Token);
        Assert.True(prepared.CanStart, string.Join("; ", prepared.ProblemLines()));

        // Still a valid experiment: validating it again would let the run start on content nobody validated.
        await File.AppendAllTextAsync(Path.Combine(sandbox.ExperimentPath, "experiment.md"), "\nA note added after validation.\n", limit.Token);

        await using var session = await RunSession.StartAsync(prepared, new RunHostChoices(), options, NullLogger.Instance, EarlyCoordination.None, limit.Token);
        RunUpdate? last = null;
        await foreach (var update in session.WatchAsync(limit.Token))
        {
            last = update;
        }

        Assert.Equal(RunStatus.Failed, last?.Status);
        var end = session.End();
        Assert.False(end.SetUp);
        Assert.Contains("validation failed: experiment.md", end.NotSetUp, StringComparison.Ordinal);
        Assert.Contains("changed since validation", end.NotSetUp, StringComparison.Ordinal);
        Assert.Null(sandbox.FindRunFolder());
    }

    [Fact]
    public async Task Run_WithoutAValidatedExperiment_IsRefused_AndWritesNothing()
    {
        using var experiment = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var options = new HostOptions { Settings = DiscernusSettings.Defaults, ArtifactsDirectory = experiment.Outside("artifacts") };
        await using var host = await DiscernusHost.StartAsync(options);
        var runId = RunFolderAllocator.NewRunId(TimeProvider.System);

        await host.SubmitAsync(new RunRequest { RunId = runId, ExperimentPath = experiment.Path, RunFolder = Path.Combine(experiment.Path, "runs", runId) });
        var state = await HostRuns.WaitForFinalStateAsync(host, runId);

        Assert.Equal(RunStatus.Failed, state.Status);
        Assert.Contains("carries no validated experiment", state.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(experiment.Path, "runs", runId)));
    }
}
