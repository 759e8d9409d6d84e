using System.Globalization;
using Discernus.Coordination;
using Discernus.Models;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration;

/// <summary>
/// Faults from the world, as the Orchestrator sees them while a stage runs: a model endpoint that went away (announced
/// once to the run's watchers, the stall timeout paused, the outage limit kept), a Redis that forgot the run (its
/// state rebuilt from the run folder), and the model calls workers elsewhere made for the run (taken into its log).
/// </summary>
internal sealed partial class Orchestrator
{
    private const int CallsBatch = 1000;

    // Workers give up on an endpoint at the outage limit (their next probe after it); the Orchestrator only steps in
    // when none does, e.g. no worker holds a task of the run any more.
    private static readonly TimeSpan OutageLimitGrace = TimeSpan.FromSeconds(60);

    /// <summary>Announces an outage a worker recorded on the run, once; fails the run when it outlasts the limit.</summary>
    private async Task WatchOutageAsync(RunContext run, string stage, ModelOutage? recorded)
    {
        var now = time.GetUtcNow();
        if (recorded is not null && run.AnnouncedOutage is null && recorded.Since > run.LastRecoveryAt)
        {
            run.AnnouncedOutage = recorded;
            var message = $"Model endpoint unreachable, waiting: {recorded.Endpoint} ({recorded.Model}): {recorded.Cause}. " +
                $"Every task for it pauses, spending no attempt, while one request probes it at a growing interval; the run fails only if it stays away longer than " +
                $"{options.ModelOutageLimit.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s ({ModelSettings.OutageLimitVariable}).";
            run.Log.Warning(stage, Agent, message, new Dictionary<string, object?> { ["endpoint"] = recorded.Endpoint, ["since"] = IsoTime.Format(recorded.Since) });
            // The watchers get the notice; the process log gets the line, but not as a warning the console would repeat.
            logger.LogInformation("Run {RunId}: {Message}", run.Folder.RunId, message);
            await NoticeAsync(run.Folder.RunId, message).ConfigureAwait(false);
        }

        if (run.AnnouncedOutage is { } announced && now - announced.Since > options.ModelOutageLimit + OutageLimitGrace)
        {
            throw new RunFailedException(
                $"Model endpoint {announced.Endpoint} ({announced.Model}) unreachable for {(now - announced.Since).TotalSeconds:F0} s, longer than {ModelSettings.OutageLimitVariable} " +
                $"({options.ModelOutageLimit.TotalSeconds:F0} s) allows: {announced.Cause}. The run stops here; its documents without a result keep none. " +
                "Once the endpoint answers again, continue with `discernus run --resume <run folder>`: only the documents without a result are asked.");
        }
    }

    /// <summary>The first success after an announced outage: the endpoint answers again.</summary>
    private async Task EndOutageAsync(RunContext run, string stage)
    {
        if (run.AnnouncedOutage is not { } outage)
        {
            return;
        }

        var now = time.GetUtcNow();
        run.AnnouncedOutage = null;
        run.LastRecoveryAt = now;
        var message = $"Model endpoint {outage.Endpoint} answers again after {(now - outage.Since).TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s; the paused tasks go on.";
        run.Log.Info(stage, Agent, message);
        logger.LogInformation("Run {RunId}: {Message}", run.Folder.RunId, message);
        try
        {
            await resilience.ExecuteAsync(ct => states.ClearOutageAsync(run.Folder.RunId, ct), $"recording the state of run {run.Folder.RunId}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogWarning("The end of the outage could not be recorded on run {RunId}: {Message}", run.Folder.RunId, ex.Message);
        }

        await NoticeAsync(run.Folder.RunId, message).ConfigureAwait(false);
    }

    /// <summary>A line for the people watching the run (a `discernus run` prints each once); never fatal.</summary>
    private async Task NoticeAsync(string runId, string message)
    {
        try
        {
            await resilience.ExecuteAsync(ct => states.AddNoticeAsync(runId, message, ct), $"recording a notice of run {runId}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogWarning("A notice of run {RunId} could not be recorded in Redis: {Message}", runId, ex.Message);
        }
    }

    /// <summary>Writes the whole state of a running run again (after Redis lost it), with this execution's epoch.</summary>
    private async Task RestoreStateAsync(RunContext run, string stage, int total, int completed, int failed)
    {
        var runId = run.Folder.RunId;
        var manifest = run.Manifest;
        await SetStateAsync(runId, new Dictionary<string, string>
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

        // The run request this Orchestrator holds was lost with the rest: put it back, so that the run can still be
        // adopted if this process dies.
        if (_active.TryGetValue(runId, out var active))
        {
            try
            {
                await resilience.ExecuteAsync(ct => runRequests.RestoreClaimAsync(options.OrchestratorId, runId, active.Claim.ContractJson, ct), $"restoring the request of run {runId}").ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
            {
                logger.LogWarning("The request of run {RunId} could not be restored in Redis: {Message}", runId, ex.Message);
            }
        }
    }

    /// <summary>Takes the model calls workers elsewhere recorded for the run into its log and counts.</summary>
    private async Task TakeRemoteCallsAsync(RunContext run, CancellationToken cancellationToken)
    {
        var runId = run.Folder.RunId;
        var records = new RunCallRecords(connections, keys);
        while (true)
        {
            var taken = await resilience.ExecuteAsync(ct => records.TakeAsync(runId, CallsBatch, ct), $"reading the model calls of run {runId}", cancellationToken).ConfigureAwait(false);
            foreach (var record in taken)
            {
                if (record.Start is { } start)
                {
                    run.OpenCalls[start.CallId] = start;
                }
                else if (record.Interaction is { } interaction)
                {
                    if (interaction.CallId is { } callId)
                    {
                        run.OpenCalls.Remove(callId);
                    }

                    await registry.RecordAsync(runId, interaction, CancellationToken.None).ConfigureAwait(false);
                }
            }

            if (taken.Count < CallsBatch)
            {
                return;
            }
        }
    }

    /// <summary>
    /// At the end of a run: the last call records, then every request whose worker announced it and never recorded its
    /// end (killed while it waited for the provider) counted as made and failed, as the provider may have received it.
    /// </summary>
    private async Task CloseRemoteCallsAsync(RunContext run)
    {
        try
        {
            await TakeRemoteCallsAsync(run, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogWarning("The last model call records of run {RunId} could not be read: {Message}", run.Folder.RunId, ex.Message);
        }

        foreach (var start in run.OpenCalls.Values.OrderBy(s => s.Timestamp))
        {
            await registry.RecordAsync(run.Folder.RunId, new LlmInteraction
            {
                Timestamp = start.Timestamp,
                Model = start.Model,
                Provider = start.Provider,
                PromptHash = start.PromptHash,
                DurationMs = 0,
                Cached = false,
                Attempt = start.Attempt,
                Error = "no answer was recorded: the worker that sent this request stopped (killed?) before it ended",
                CallerAgent = start.CallerAgent,
                CallerStage = start.CallerStage,
                TaskId = start.TaskId,
                CallId = start.CallId,
            }, CancellationToken.None).ConfigureAwait(false);
        }

        run.OpenCalls.Clear();
    }
}
