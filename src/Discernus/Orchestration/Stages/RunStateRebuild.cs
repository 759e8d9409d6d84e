using System.Globalization;
using Discernus.Coordination;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// Redis is a cache of the run; the folder and this execution's own count are its truth. When the run's keys are gone
/// (a restart without persistence, `debug --reset`, an eviction), the run's state is written again and every task
/// without a result is queued again, with the same ids: workers whose claims vanished discard their results, and the
/// cache makes the repeated calls cheap.
/// </summary>
internal sealed class RunStateRebuild(RunStateWriter state, ActiveRuns active, OrchestratorOptions options, ILogger logger)
{
    private const string Agent = nameof(Orchestrator);

    public async Task RebuildAsync(RunContext run, string stage, StageTasks set)
    {
        var runId = run.Folder.RunId;
        var message = $"Redis lost the state of run {runId} (restart without persistence? `discernus debug --reset`? eviction?) — rebuilding from the run folder: " +
            $"{set.Total - set.Pending} task(s) of {StageNames.Title(stage)} already finished are kept, {set.Pending} without a result are queued again";
        run.Log.Warning(stage, Agent, message);
        logger.LogInformation("{Message}", message);
        await RestoreStateAsync(run, stage, set.Total, set.Succeeded + set.Failed, set.Failed).ConfigureAwait(false);
        await state.NoticeAsync(runId, message).ConfigureAwait(false);
        await set.RequeueAllPendingAsync().ConfigureAwait(false);
    }

    /// <summary>Writes the whole state of a running run again (after Redis lost it), with this execution's epoch.</summary>
    private async Task RestoreStateAsync(RunContext run, string stage, int total, int completed, int failed)
    {
        var runId = run.Folder.RunId;
        var manifest = run.Manifest;
        await state.SetAsync(runId, new Dictionary<string, string>
        {
            [RunStateFields.Status] = RunStatus.Running,
            [RunStateFields.Stage] = stage,
            [RunStateFields.RunFolder] = run.Folder.Path,
            [RunStateFields.ExperimentPath] = manifest.Experiment.Path,
            [RunStateFields.Orchestrator] = options.OrchestratorId,
            [RunStateFields.ArtifactStore] = manifest.ArtifactStore ?? "",
            [RunStateFields.ArtifactProbe] = manifest.Framework?.Sha256 ?? "",
            [RunStateFields.CancelRequested] = "0",
            [RunStateFields.Error] = "",
            [RunStateFields.Epoch] = run.Epoch,
            [RunStateFields.Total] = total.ToString(CultureInfo.InvariantCulture),
            [RunStateFields.Completed] = completed.ToString(CultureInfo.InvariantCulture),
            [RunStateFields.Failed] = failed.ToString(CultureInfo.InvariantCulture),
        }).ConfigureAwait(false);
        await active.RestoreClaimAsync(runId).ConfigureAwait(false);
    }
}
