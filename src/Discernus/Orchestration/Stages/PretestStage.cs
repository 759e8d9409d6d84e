using System.Globalization;
using Discernus.Agents;
using Discernus.Coordination;
using Discernus.Models;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// PRE-TEST (`run --pretest N`): a seeded sample of N documents is analysed first, by every model of the run, with the
/// very tasks the full run would queue for them. The sample is judged (<see cref="PretestEvaluator"/>): a dimension
/// that does not discriminate, too many failed answers or an extrapolated cost above the budget stop the run before
/// the rest of the corpus is paid for. Otherwise the full run goes on and takes the sample's answers as they are.
/// </summary>
internal sealed class PretestStage(StageWaiter waiter, PriorExecutionReader priorExecutions) : IRunStage
{
    public const string ReportPath = RunFolder.PretestReportFile;
    private const string Agent = nameof(Orchestrator);

    public string Name => StageNames.Pretest;

    public async Task RunAsync(StageRun stage, StageOutputs outputs, CancellationToken cancellationToken)
    {
        var run = stage.Run;
        if (run.IsStageDone(StageNames.BatchAnalysis) || EarlierRunReuse.Reuses(run, StageNames.BatchAnalysis))
        {
            // The analyses are recorded, or taken from another run: there is nothing to sample.
            return;
        }

        outputs.PlannedAnalyses ??= AnalysisPlan.Read(run);
        if (run.Manifest.Plan?.Pretest is not { } settings || run.IsStageDone(StageNames.Pretest))
        {
            return;
        }

        // The sample's answers are handed on, for the full run to take without asking again.
        outputs.PretestAnswers = await RunSampleAsync(stage, settings, outputs.PlannedAnalyses, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Dictionary<string, CompletionSignal>> RunSampleAsync(StageRun stage, ManifestPretest settings, TaskPlan planned, CancellationToken cancellationToken)
    {
        var run = stage.Run;
        var documents = run.ReadDocuments();
        var sample = PretestSample.Choose(documents, settings.SampleSize, settings.Seed);
        var perModel = documents.Count * run.Models.RunsPerModel;
        // Planned order is model → run → document: the first run of each model on each sampled document.
        var sampleTasks = TaskPlan.Of([.. run.Models.Names.SelectMany((_, model) => sample.Select(document => planned[(model * perModel) + document]))]);
        var sampleIds = sampleTasks.Select(t => t.TaskId).ToHashSet(StringComparer.Ordinal);
        run.Log.Info(StageNames.Pretest, Agent, $"pre-test: {sample.Count} of {documents.Count} document(s) (seed {settings.Seed}) analysed first by {run.Models.Names.Count} model(s)",
            new Dictionary<string, object?> { ["documents"] = sample.Select(i => documents[i].DocumentId).ToList() });

        var recorded = run.Adopted ? await priorExecutions.ReadAsync(run, sampleTasks, cancellationToken).ConfigureAwait(false) : null;
        var results = new List<AnalysisResult>();
        var answers = new Dictionary<string, CompletionSignal>(StringComparer.Ordinal);
        await waiter.RunAsync(new StageRequest(run, StageNames.Pretest, sampleTasks, async (task, signal) =>
        {
            results.Add(await AnalysisTasks.RecordWholeAsync(run, stage.Store, task, signal, cancellationToken).ConfigureAwait(false));
            run.CountedByPretest(task.TaskId);
            answers[task.TaskId] = signal;
        }, recorded?.Succeeded, recorded), cancellationToken).ConfigureAwait(false);

        var report = PretestEvaluator.Evaluate(new PretestEvaluator.Input
        {
            Settings = settings,
            SampleDocumentIds = sample.Select(i => documents[i].DocumentId).ToList(),
            CorpusDocuments = documents.Count,
            RunsPerModel = run.Models.RunsPerModel,
            Models = run.Models.Names,
            DimensionNames = run.Experiment.Framework.Dimensions.Select(d => d.Name).ToList(),
            Results = results,
            Tasks = sampleTasks.Count,
            Failed = run.Failures.Count(f => sampleIds.Contains(f.TaskId)),
            BudgetUsd = run.Experiment.MaxCostUsd,
            Prices = PriceTable.LoadDefault(),
        });
        await JudgeAsync(run, report, cancellationToken).ConfigureAwait(false);

        // The failed sample tasks are tried again by the full run, which records their outcome then.
        run.Failures.RemoveAll(f => sampleIds.Contains(f.TaskId));
        return answers;
    }

    /// <summary>Records the pre-test's report in the run folder; stops the run when the sample says the full run is not worth it.</summary>
    private static async Task JudgeAsync(RunContext run, PretestReport report, CancellationToken cancellationToken)
    {
        var json = await run.WriteOutputAsync(ReportPath, DiscernusJson.Serialize(report), "pretest", cancellationToken).ConfigureAwait(false);
        await run.WriteOutputAsync(RunFolder.PretestMarkdownFile, System.Text.Encoding.UTF8.GetBytes(PretestEvaluator.ToMarkdown(report)), "pretest_report", cancellationToken).ConfigureAwait(false);
        run.Outputs = run.Outputs with { Pretest = json };
        await run.PersistOutputsAsync().ConfigureAwait(false);
        foreach (var note in report.Notes)
        {
            run.Log.Warning(StageNames.Pretest, Agent, $"pre-test: {note}");
        }

        var cost = report.ExtrapolatedUsd is { } usd ? usd.ToString("$0.0000", CultureInfo.InvariantCulture) : "unknown";
        if (report.StopReasons.Count > 0)
        {
            throw new RunFailedException(
                $"the pre-test stopped the run before the full corpus: {string.Join("; ", report.StopReasons)}. See {RunFolder.PretestMarkdownFile}. "
                + $"To analyse the full corpus anyway, resume the run (its {report.Succeeded} sampled answer(s) are kept and not asked for again); after changing the framework, start a new run");
        }

        run.Log.Info(StageNames.Pretest, Agent, $"pre-test passed: {report.Succeeded} of {report.Tasks} sampled answers, {report.Dimensions.Count} dimension score(s) spread, extrapolated cost {cost}; the full run takes the sample's answers");
    }
}
