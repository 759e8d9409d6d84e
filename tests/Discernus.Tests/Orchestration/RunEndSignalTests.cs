using Discernus.Application;
using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// `discernus run` learns that its run ended from its own Orchestrator at once instead of at its next 250 ms poll (a
/// sixth of a short run's wall time). The signal must never come early: when it fires, the run's state is final and its
/// folder says so.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class RunEndSignalTests
{
    [Fact]
    public async Task NextRunEnd_Completes_OnlyOnceTheRunsStateAndFolderAreFinal()
    {
        using var experiment = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var options = new HostOptions { Settings = DiscernusSettings.Defaults, ArtifactsDirectory = experiment.Outside("artifacts") };
        await using var host = await DiscernusHost.StartAsync(options);
        var ended = host.Orchestrator!.NextRunEnd;
        Assert.False(ended.IsCompleted);

        var (runId, runFolder) = await HostRuns.SubmitAsync(host, experiment.Path);
        await ended.WaitAsync(HostRuns.Limit);

        var state = await host.GetStateAsync(runId);
        Assert.Equal(RunStatus.Completed, state?.Status);
        Assert.Equal(RunStatus.Completed, RunEnd.Read(runFolder, null).Status);

        // Each run end is signalled once: the next wait is for the next run.
        Assert.False(host.Orchestrator.NextRunEnd.IsCompleted);
    }
}
