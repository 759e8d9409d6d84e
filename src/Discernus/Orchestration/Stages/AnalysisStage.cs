using System.Globalization;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// BATCH ANALYSIS: every document by every model and run, one task each, with the budget kept after each answer; or,
/// for `--from synthesis`, the analyses of an earlier run copied in (<see cref="EarlierRunReuse"/>).
/// </summary>
internal sealed class AnalysisStage(StageWaiter waiter, PriorExecutionReader priorExecutions, ProviderBatches batches, EarlierRunReuse reuse, Telemetry.DiscernusMetrics? metrics) : IRunStage
{
    public string Name => StageNames.BatchAnalysis;

    public async Task RunAsync(StageRun stage, StageOutputs outputs, CancellationToken cancellationToken)
    {
        var run = stage.Run;
        if (EarlierRunReuse.Reuses(run, StageNames.BatchAnalysis) && !run.IsStageDone(StageNames.BatchAnalysis))
        {
            outputs.Analyses = await reuse.ReuseAnalysesAsync(run, stage.Store, cancellationToken).ConfigureAwait(false);
        }
        else if (run.IsStageDone(StageNames.BatchAnalysis))
        {
            outputs.Analyses = run.Outputs.AnalysisResults;
        }
        else
        {
            outputs.Analyses = await AnalyseAsync(stage, outputs.PlannedAnalyses ?? AnalysisPlan.Read(run), outputs.PretestAnswers, cancellationToken).ConfigureAwait(false);
        }

        // The per-task state of the stage is garbage from here on (the Orchestrator reclaims it before SYNTHESIS).
        outputs.PlannedAnalyses = null;
        outputs.PretestAnswers = null;
    }

    private async Task<IReadOnlyList<string>> AnalyseAsync(StageRun stage, TaskPlan planned, Dictionary<string, CompletionSignal>? sample, CancellationToken cancellationToken)
    {
        var run = stage.Run;

        // An adopted run reads back what earlier executions recorded (the pre-test's sample among it); a pre-test in
        // this execution hands its answers on, so the full run never asks for them again. Only results count as
        // recorded: a task that failed earlier (dead-listed, or failed after its attempts) is done again.
        var prior = run.Adopted ? await priorExecutions.ReadAsync(run, planned, cancellationToken).ConfigureAwait(false) : null;
        var recorded = prior?.Succeeded ?? sample;

        // A batch run (`run --batch`) gets the answers from the provider's batch API first; the tasks then carry them.
        planned = await batches.WithBatchAnswersAsync(run, stage.Store, planned, recorded, cancellationToken).ConfigureAwait(false);
        // By position in the plan, so the synthesis input (and its hash) is in task order whatever the order of completion.
        var succeeded = new Content.Sha256List.ByPosition(planned.Count);
        var intake = new AnalysisIntake(run, stage.Store, cancellationToken);
        await waiter.RunAsync(new StageRequest(run, StageNames.BatchAnalysis, planned, async (task, signal) =>
        {
            await intake.TakeAsync(task, signal).ConfigureAwait(false);
            succeeded.Set(planned.IndexOf(task.TaskId), signal.ResultHash!);
            KeepBudget(run, succeeded.Count);
        }, recorded, prior, intake.PrefetchAsync), cancellationToken).ConfigureAwait(false);

        if (succeeded.Count == 0)
        {
            var reasons = string.Join("; ", run.Failures.Select(f => f.Reason).Distinct().Take(3));
            throw new RunFailedException($"all {planned.Count} analyses failed, so there is nothing to synthesise. First reasons: {reasons}");
        }

        var hashes = succeeded.InOrder();
        run.Outputs = run.Outputs with { AnalysisResults = hashes };
        await run.PersistOutputsAsync().ConfigureAwait(false);
        return hashes;
    }

    private void KeepBudget(RunContext run, int analyses)
    {
        metrics?.RunCost(run.Folder.RunId, run.CostUsd, run.Experiment.MaxCostUsd);
        if (run.Experiment.MaxCostUsd is { } budget && run.CostUsd > budget)
        {
            throw new RunFailedException(
                $"the budget of ${budget.ToString(CultureInfo.InvariantCulture)} (budget.max_cost_usd) was exceeded after {analyses} analyses (${run.CostUsd.ToString("F4", CultureInfo.InvariantCulture)}); the remaining tasks were cancelled");
        }
    }
}
