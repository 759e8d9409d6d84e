using System.Text.Json;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Orchestration.Stages;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration;

/// <summary>
/// Drives one run through its stages: VALIDATION and RUN SETUP (or the adoption of a run that exists), then PRE-TEST,
/// BATCH ANALYSIS, SYNTHESIS and REPORT in order, stopping where the run's plan says; and records how it ended,
/// whether it completed, failed or was cancelled.
/// </summary>
internal sealed class RunDriver(
    SetupStage setup,
    RunAdoption adoption,
    IReadOnlyList<IRunStage> stages,
    RunFinalizer finalizer,
    RunStateWriter state,
    RunStoreResolver stores,
    RunRegistry registry,
    OrchestratorOptions options,
    ILogger logger,
    Telemetry.DiscernusMetrics? metrics)
{
    private const string Agent = nameof(Orchestrator);

    /// <summary>Runs a request from VALIDATION (or, for a run that already exists, from where it stopped) to its end.</summary>
    public async Task<RunOutcome> ExecuteAsync(RunRequest request, bool adopt, CancellationToken cancellationToken)
    {
        var runId = request.RunId;

        // The root of the run's trace: stages are its children, and each task joins it through its contract.
        using var span = Telemetry.DiscernusActivities.StartRun(runId, adopt);
        try
        {
            var outcome = await ExecuteTracedAsync(request, adopt, cancellationToken).ConfigureAwait(false);
            span?.SetTag(Telemetry.DiscernusActivities.OutcomeAttribute, outcome.Status);
            if (outcome.Status is RunStatus.Failed or RunStatus.Cancelled)
            {
                Telemetry.DiscernusActivities.Fail(span, outcome.Error ?? outcome.Status);
            }

            return outcome;
        }
        finally
        {
            // The run's cost and budget gauges are for runs in progress only.
            metrics?.RunEnded(runId);
        }
    }

    /// <summary>Records a run that ends before it has a context (setup or adoption refused) in its folder, if any, and in Redis.</summary>
    public Task<RunOutcome> MarkFailedAsync(RunRequest request, string error) => finalizer.MarkFailedAsync(request, error);

    private async Task<RunOutcome> ExecuteTracedAsync(RunRequest request, bool adopt, CancellationToken cancellationToken)
    {
        var runId = request.RunId;
        var (store, storeProblem) = await stores.ResolveAsync(request.ArtifactStore, null, cancellationToken).ConfigureAwait(false);
        if (store is null)
        {
            return await finalizer.MarkFailedAsync(request, $"cannot open the run's artifact store: {storeProblem}").ConfigureAwait(false);
        }

        var epoch = await StartStateAsync(request, store, adopt).ConfigureAwait(false);

        var prepared = adopt
            ? await adoption.AdoptAsync(request, store, cancellationToken).ConfigureAwait(false)
            : await setup.PrepareAsync(request, store, cancellationToken).ConfigureAwait(false);
        if (prepared.Outcome is { } early)
        {
            return early;
        }

        var run = prepared.Run!;
        run.Epoch = epoch;
        registry.Register(run.Log);
        try
        {
            return await RunStagesAsync(new StageRun(run, store), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            run.Log.Warning("orchestrator", Agent, "run cancelled");
            await finalizer.FinalizeAsync(run, RunStatus.Cancelled, "the run was cancelled").ConfigureAwait(false);
            return new RunOutcome(runId, RunStatus.Cancelled, run.Folder.Path, "the run was cancelled", null, null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Expected failures carry their message; anything else (an artifact store outage, a bug) is named and logged
            // in full, and the run still ends with a manifest that says what it achieved.
            if (ex is not (RunFailedException or CoordinationFaultException or CoordinationUnavailableException or IOException or JsonException or ArtifactCorruptedException or ArtifactStoreUnavailableException))
            {
                logger.LogError(ex, "Run {RunId} ended with an unexpected error", runId);
            }

            run.Log.Error("orchestrator", Agent, $"run failed: {ex.Message}");
            await finalizer.FinalizeAsync(run, RunStatus.Failed, ex.Message).ConfigureAwait(false);
            return new RunOutcome(runId, RunStatus.Failed, run.Folder.Path, ex.Message, null, null);
        }
        finally
        {
            registry.Unregister(runId);
        }
    }

    /// <summary>The run's state in Redis as this execution starts it; returns the execution's epoch, its mark in that state.</summary>
    private async Task<string> StartStateAsync(RunRequest request, IArtifactStore store, bool adopt)
    {
        var epoch = Guid.NewGuid().ToString("N");
        await state.SetAsync(request.RunId, new Dictionary<string, string>
        {
            [RunStateFields.Epoch] = epoch,
            [RunStateFields.Status] = RunStatus.Running,
            [RunStateFields.Stage] = adopt ? StageNames.BatchAnalysis : StageNames.Validation,
            [RunStateFields.RunFolder] = request.RunFolder,
            [RunStateFields.ExperimentPath] = request.ExperimentPath,
            [RunStateFields.Orchestrator] = options.OrchestratorId,
            [RunStateFields.ArtifactStore] = store.Identity,
            [RunStateFields.CancelRequested] = "0",
            [RunStateFields.Error] = "",
        }).ConfigureAwait(false);
        return epoch;
    }

    private async Task<RunOutcome> RunStagesAsync(StageRun stage, CancellationToken cancellationToken)
    {
        var run = stage.Run;
        await state.SetAsync(run.Folder.RunId, new Dictionary<string, string> { [RunStateFields.ArtifactProbe] = run.Manifest.Framework!.Sha256 }).ConfigureAwait(false);
        var outputs = new StageOutputs();
        foreach (var next in stages)
        {
            await next.RunAsync(stage, outputs, cancellationToken).ConfigureAwait(false);
            if (next.Name == StageNames.BatchAnalysis)
            {
                ReleaseStageMemory(run);
            }

            if (EarlierRunReuse.StopsAfter(run, next.Name))
            {
                break;
            }
        }

        var noSignal = outputs.Synthesis is { } synthesis ? NoSignalReason(run, synthesis) : null;

        // A run that measured nothing is not a success, even when every task answered: its tables are all zeros.
        var problems = new[] { run.Failures.Count > 0 ? $"{run.Failures.Count} task(s) failed" : null, noSignal }.OfType<string>().ToList();
        var finalStatus = problems.Count > 0 ? RunStatus.CompletedWithFailures : RunStatus.Completed;
        var reason = problems.Count > 0 ? string.Join("; ", problems) : null;
        var report = outputs.Report;
        run.Log.Info("orchestrator", Agent, $"run {finalStatus}: {outputs.Analyses.Count} analyses, {run.Failures.Count} failed" + (noSignal is null ? "" : $"; {noSignal}") + (run.Manifest.Plan?.StopAfter is { } last ? $"; stopped after {StageNames.Title(last)} as asked" : ""),
            new Dictionary<string, object?> { ["report"] = report?.Markdown });
        await finalizer.FinalizeAsync(run, finalStatus, noSignal).ConfigureAwait(false);
        return new RunOutcome(run.Folder.RunId, finalStatus, run.Folder.Path, reason,
            report is { } r ? Path.Combine(run.Folder.Path, r.Markdown) : null, report is { } h ? Path.Combine(run.Folder.Path, h.Html) : null);
    }

    /// <summary>
    /// Why the run measured nothing, when no dimension of the framework has any signal (every one either scored 0 in
    /// every document or could not be scored at all); null when at least one dimension has a signal.
    /// </summary>
    private static string? NoSignalReason(RunContext run, SynthesisResult synthesis)
    {
        var dimensions = run.Manifest.Framework?.Dimensions ?? [];
        if (dimensions.Count == 0 || !dimensions.All(d => synthesis.NoSignal.ContainsKey(d) || synthesis.NotScorable.ContainsKey(d)))
        {
            return null;
        }

        var why = synthesis.NoSignal.Values.Concat(synthesis.NotScorable.Values).Distinct(StringComparer.Ordinal);
        return $"no dimension produced any signal: every score of every dimension is 0 or missing ({string.Join("; ", why)})";
    }

    /// <summary>
    /// Between BATCH ANALYSIS and SYNTHESIS the run's per-task state (its plan, an entry per document) becomes garbage
    /// just as the synthesis, in this process when workers are local, starts to build its own. One compacting
    /// collection here hands the freed memory back instead of leaving the synthesis to grow on top of it (100,000
    /// documents: docs/benchmarks.md "Scale"). It takes a fraction of a second once per run.
    /// </summary>
    private void ReleaseStageMemory(RunContext run)
    {
        var before = GC.GetTotalMemory(forceFullCollection: false);
        StageMemory.Release();
        logger.LogDebug("Run {RunId}: managed heap {Before} MB before SYNTHESIS, {After} MB after a compacting collection",
            run.Folder.RunId, before / 1_000_000, GC.GetTotalMemory(forceFullCollection: false) / 1_000_000);
    }
}
