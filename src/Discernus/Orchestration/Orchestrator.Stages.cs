using System.Globalization;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Orchestration;

internal sealed partial class Orchestrator
{
    private static readonly TimeSpan ManifestProgressInterval = TimeSpan.FromSeconds(2);

    private sealed record PlannedTask(string TaskId, string Json, string? DocumentName, string? Model);

    private async Task<List<string>> BatchAnalysisAsync(RunContext run, CancellationToken cancellationToken)
    {
        var manifest = run.Manifest;
        var promptHash = run.PromptHash(PromptLibrary.AnalyseDocument);
        var planned = new List<PlannedTask>();
        var n = 0;
        foreach (var model in run.Models.Names)
        {
            for (var r = 1; r <= run.Models.RunsPerModel; r++)
            {
                foreach (var document in manifest.Documents)
                {
                    var taskId = TaskIds.Build(run.Folder.RunId, TaskTypes.AnalyseDocument, ++n);
                    var contract = new AnalyseDocumentTask
                    {
                        RunId = run.Folder.RunId,
                        TaskId = taskId,
                        FrameworkHash = manifest.Framework!.Sha256,
                        DocumentHash = document.TextSha256,
                        DocumentName = document.File,
                        PromptHash = promptHash,
                        Model = model,
                        Params = new AnalysisParams
                        {
                            Run = r,
                            AnalysisVariant = run.Models.AnalysisVariant,
                            CorpusDocumentId = document.DocumentId,
                            Extra = new Dictionary<string, JsonElement> { ["metadata"] = JsonSerializer.SerializeToElement(document.Metadata) },
                        },
                    };
                    planned.Add(new PlannedTask(taskId, CoordinationJson.Serialize(contract), document.File, model));
                }
            }
        }

        var succeeded = new List<(string TaskId, string Hash)>();
        await RunStageAsync(run, StageNames.BatchAnalysis, planned, async (task, signal) =>
        {
            var bytes = await store.GetAsync(signal.ResultHash!, cancellationToken).ConfigureAwait(false)
                ?? throw new RunFailedException($"the result {signal.ResultHash} of {task.TaskId} is not in the artifact store");
            var result = JsonSerializer.Deserialize<AnalysisResult>(bytes, DiscernusJson.Indented)
                ?? throw new RunFailedException($"the result of {task.TaskId} is empty");
            var meta = result.ProcessingMetadata;
            run.AddUsage(meta.TokensUsed.Prompt, meta.TokensUsed.Completion, meta.CostUsd, meta.Cached);
            await run.WriteOutputAsync($"results/batch_analysis/{signal.ResultHash}.json", bytes, "analysis_result", cancellationToken).ConfigureAwait(false);
            succeeded.Add((task.TaskId, signal.ResultHash!));
            if (run.Experiment.MaxCostUsd is { } budget && run.CostUsd > budget)
            {
                await states.RequestCancelAsync(run.Folder.RunId, CancellationToken.None).ConfigureAwait(false);
                throw new RunFailedException(
                    $"the budget of ${budget.ToString(CultureInfo.InvariantCulture)} (budget.max_cost_usd) was exceeded after {succeeded.Count} analyses (${run.CostUsd.ToString("F4", CultureInfo.InvariantCulture)}); the remaining tasks were cancelled");
            }
        }, cancellationToken).ConfigureAwait(false);

        if (succeeded.Count == 0)
        {
            var reasons = string.Join("; ", run.Failures.Select(f => f.Reason).Distinct().Take(3));
            throw new RunFailedException($"all {planned.Count} analyses failed, so there is nothing to synthesise. First reasons: {reasons}");
        }

        // Task order, not completion order, so the synthesis input (and its hash) does not depend on timing.
        var order = planned.Select((p, i) => (p.TaskId, i)).ToDictionary(x => x.TaskId, x => x.i);
        var hashes = succeeded.OrderBy(s => order[s.TaskId]).Select(s => s.Hash).ToList();
        run.Outputs = run.Outputs with { AnalysisResults = hashes };
        return hashes;
    }

    private async Task<SynthesisResult> SynthesisAsync(RunContext run, List<string> analyses, CancellationToken cancellationToken)
    {
        var experiment = run.Experiment;
        var taskId = TaskIds.Build(run.Folder.RunId, TaskTypes.SynthesizeResults, 1);
        var contract = new SynthesizeResultsTask
        {
            RunId = run.Folder.RunId,
            TaskId = taskId,
            AnalysisResultHashes = analyses,
            FrameworkHash = run.Manifest.Framework!.Sha256,
            PromptHash = run.PromptHash(PromptLibrary.SynthesizeResults),
            Model = run.Models.Names[0],
            Params = new SynthesisParams
            {
                ExperimentName = experiment.Name,
                AnalysisVariant = experiment.AnalysisVariant,
                Grouping = experiment.Grouping,
                Hypotheses = experiment.Hypotheses.Select(h => $"{h.Id}: {h.Description.Trim()}").ToList(),
                DocumentsFailed = run.Failures.Select(f => f.DocumentName).Distinct().Count(),
                Research = new ResearchSettings { ReliabilityFiltering = experiment.ReliabilityFiltering, AdvancedFiltering = experiment.AdvancedFiltering, GoldHash = run.Manifest.Gold?.Sha256, Hypotheses = experiment.Hypotheses },
            },
        };

        SynthesisResult? result = null;
        await RunStageAsync(run, StageNames.Synthesis, [new PlannedTask(taskId, CoordinationJson.Serialize(contract), null, contract.Model)], async (_, signal) =>
        {
            var bytes = await store.GetAsync(signal.ResultHash!, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the synthesis result is not in the artifact store");
            result = JsonSerializer.Deserialize<SynthesisResult>(bytes, DiscernusJson.Indented) ?? throw new RunFailedException("the synthesis result is empty");
            run.AddUsage(result.TokensUsed.Prompt, result.TokensUsed.Completion, result.CostUsd, false);
            var text = await store.GetAsync(result.SynthesisTextHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the synthesis text is not in the artifact store");
            var statistics = await store.GetAsync(result.StatisticsHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the statistics are not in the artifact store");
            var synthesisPath = await run.WriteOutputAsync($"results/synthesis/{result.SynthesisTextHash}.md", text, "synthesis", cancellationToken).ConfigureAwait(false);
            var statisticsPath = await run.WriteOutputAsync("results/synthesis/statistics.json", statistics, "statistics", cancellationToken).ConfigureAwait(false);
            var exports = new List<string>();
            foreach (var (file, hash) in result.Exports.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var content = await store.GetAsync(hash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException($"the export {file} is not in the artifact store");
                exports.Add(await run.WriteOutputAsync($"results/exports/{file}", content, "export", cancellationToken).ConfigureAwait(false));
            }

            var scoresPath = exports.FirstOrDefault(e => e.EndsWith("/scores.csv", StringComparison.Ordinal));
            run.Outputs = run.Outputs with { Synthesis = synthesisPath, Statistics = statisticsPath, ScoresCsv = scoresPath, Exports = exports };
        }, cancellationToken).ConfigureAwait(false);

        return result ?? throw new RunFailedException($"synthesis failed: {run.Failures.LastOrDefault()?.Reason ?? "no result"}");
    }

    private async Task<(string Markdown, string Html)> ReportAsync(RunContext run, SynthesisResult synthesis, CancellationToken cancellationToken)
    {
        // The report describes the run as it is now: stages, failures and cost so far.
        var snapshot = run.Folder.ReadManifest() with { Failures = run.Failures.ToList(), Cost = run.Cost(run.Manifest.Cost), Outputs = run.Outputs };
        var manifestHash = await store.PutAsync(DiscernusJson.Serialize(snapshot), cancellationToken).ConfigureAwait(false);
        var taskId = TaskIds.Build(run.Folder.RunId, TaskTypes.GenerateReport, 1);
        var contract = new GenerateReportTask
        {
            RunId = run.Folder.RunId,
            TaskId = taskId,
            SynthesisHash = (await store.PutAsync(DiscernusJson.Serialize(synthesis), cancellationToken).ConfigureAwait(false)),
            StatisticsHash = synthesis.StatisticsHash,
            ManifestHash = manifestHash,
            PromptHash = run.PromptHash(PromptLibrary.GenerateReport),
        };

        (string, string)? paths = null;
        await RunStageAsync(run, StageNames.Report, [new PlannedTask(taskId, CoordinationJson.Serialize(contract), null, null)], async (_, signal) =>
        {
            var bytes = await store.GetAsync(signal.ResultHash!, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the report result is not in the artifact store");
            var result = JsonSerializer.Deserialize<ReportResult>(bytes, DiscernusJson.Indented) ?? throw new RunFailedException("the report result is empty");
            var markdown = await store.GetAsync(result.MarkdownHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the report is not in the artifact store");
            var html = await store.GetAsync(result.HtmlHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the HTML report is not in the artifact store");
            var markdownPath = await run.WriteOutputAsync("results/reports/report.md", markdown, "report", cancellationToken).ConfigureAwait(false);
            var htmlPath = await run.WriteOutputAsync("results/reports/report.html", html, "report_html", cancellationToken).ConfigureAwait(false);
            run.Outputs = run.Outputs with { ReportMarkdown = markdownPath, ReportHtml = htmlPath };
            paths = (markdownPath, htmlPath);
        }, cancellationToken).ConfigureAwait(false);

        return paths ?? throw new RunFailedException($"the report failed: {run.Failures.LastOrDefault()?.Reason ?? "no result"}");
    }

    /// <summary>
    /// Pushes a stage's tasks and waits for all their completion signals. Every wait is bounded: a stage with no
    /// completion for <see cref="OrchestratorOptions.StallTimeout"/> fails the run with a diagnosis.
    /// </summary>
    private async Task RunStageAsync(RunContext run, string stage, IReadOnlyList<PlannedTask> planned,
        Func<PlannedTask, CompletionSignal, Task> onSuccess, CancellationToken cancellationToken)
    {
        var runId = run.Folder.RunId;
        var started = time.GetUtcNow();
        await run.StageAsync(stage, s => s with { Status = RunStatus.Running, StartedAt = run.Now(), TasksTotal = planned.Count, TasksSucceeded = 0, TasksFailed = 0 }).ConfigureAwait(false);
        await states.SetAsync(runId, new Dictionary<string, string>
        {
            [RunStateFields.Stage] = stage,
            [RunStateFields.Total] = planned.Count.ToString(CultureInfo.InvariantCulture),
            [RunStateFields.Completed] = "0",
            [RunStateFields.Failed] = "0",
        }, CancellationToken.None).ConfigureAwait(false);
        run.Log.Info(stage, Agent, $"{StageNames.Title(stage)}: {planned.Count} task(s) queued");

        foreach (var task in planned)
        {
            await tasks.EnqueueAsync(task.TaskId, task.Json, cancellationToken).ConfigureAwait(false);
        }

        // One completion waiter per stage: a waiter serves one blocking wait at a time, and runs proceed concurrently.
        await using var completions = new RunCompletions(connections, keys, timeProvider: time, logger: logger);
        var pending = planned.ToDictionary(p => p.TaskId, StringComparer.Ordinal);
        int succeeded = 0, failed = 0;
        try
        {
            var lastProgress = time.GetUtcNow();
            var lastOrphanCheck = lastProgress;
            var lastManifestUpdate = lastProgress;
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (await states.IsCancelRequestedAsync(runId, cancellationToken).ConfigureAwait(false))
                {
                    throw new OperationCanceledException("the run was cancelled");
                }

                var signal = await completions.WaitAsync(runId, options.CompletionWait, cancellationToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                if (signal is null)
                {
                    if (now - lastOrphanCheck >= options.OrphanCheckInterval)
                    {
                        lastOrphanCheck = now;
                        var requeued = await orphans.RequeueOrphansAsync(cancellationToken).ConfigureAwait(false);
                        if (requeued > 0)
                        {
                            run.Log.Warning(stage, Agent, $"{requeued} task(s) of workers that stopped heartbeating were put back on the queue");
                        }
                    }

                    if (now - lastProgress >= options.StallTimeout)
                    {
                        var queued = await tasks.GetLengthAsync(CancellationToken.None).ConfigureAwait(false);
                        throw new RunFailedException(
                            $"stage {StageNames.Title(stage)} made no progress for {options.StallTimeout.TotalSeconds:F0} s: {pending.Count} of {planned.Count} task(s) unfinished, {queued} waiting in the queue. " +
                            (queued > 0 ? "No worker is taking tasks: start `discernus worker` against the same Redis, or run without DISCERNUS_REDIS_URL." : "Workers took the tasks but did not finish them: see the worker logs.") +
                            " (stall timeout: DISCERNUS_STALL_TIMEOUT_SECONDS)");
                    }

                    continue;
                }

                if (!pending.Remove(signal.TaskId, out var task))
                {
                    // A duplicate delivery (at-least-once) or a signal for an earlier stage: already accounted for.
                    continue;
                }

                lastProgress = now;
                if (signal.IsSucceeded && signal.ResultHash is not null)
                {
                    await onSuccess(task, signal).ConfigureAwait(false);
                    succeeded++;
                }
                else
                {
                    failed++;
                    var reason = signal.Error ?? "failed without a reason";
                    run.Failures.Add(new ManifestFailure(task.TaskId, task.DocumentName, task.Model, reason));
                    run.Log.Error(stage, Agent, $"{task.TaskId} failed: {reason}", new Dictionary<string, object?> { ["document_name"] = task.DocumentName, ["model"] = task.Model });
                }

                await states.SetCountsAsync(runId, planned.Count, succeeded + failed, failed, CancellationToken.None).ConfigureAwait(false);
                if (now - lastManifestUpdate >= ManifestProgressInterval)
                {
                    // `discernus status` on the folder shows progress even when Redis is not reachable from there.
                    lastManifestUpdate = now;
                    var (ok, bad) = (succeeded, failed);
                    await run.StageAsync(stage, s => s with { TasksSucceeded = ok, TasksFailed = bad }).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RunFailedException or CoordinationFaultException)
        {
            // The stage ends here: keep what it achieved in the manifest, then let the run record why.
            await run.StageAsync(stage, s => s with
            {
                FinishedAt = run.Now(),
                DurationMs = (long)(time.GetUtcNow() - started).TotalMilliseconds,
                TasksSucceeded = succeeded,
                TasksFailed = failed,
            }).ConfigureAwait(false);
            throw;
        }

        var finished = time.GetUtcNow();
        var status = succeeded == 0 ? RunStatus.Failed : failed > 0 ? RunStatus.CompletedWithFailures : RunStatus.Completed;
        await run.StageAsync(stage, s => s with
        {
            Status = status,
            FinishedAt = run.Now(),
            DurationMs = (long)(finished - started).TotalMilliseconds,
            TasksSucceeded = succeeded,
            TasksFailed = failed,
        }).ConfigureAwait(false);
        run.Log.Info(stage, Agent, $"{StageNames.Title(stage)} finished: {succeeded} succeeded, {failed} failed");
    }
}
