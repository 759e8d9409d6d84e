using System.Globalization;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Coordination;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration;

internal sealed partial class Orchestrator
{
    private static readonly TimeSpan ManifestProgressInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CancelCheckInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CallsInterval = TimeSpan.FromSeconds(1);
    private const int SignalBatch = 256;
    private const int LostContractRequeues = 3;

    /// <summary>
    /// A task of a stage. Its contract is written only when the task is queued: a run of 100,000 documents keeps ids,
    /// not 100,000 contracts, in memory. <see cref="Contract"/> takes the stage's W3C trace context (or null).
    /// </summary>
    private sealed record PlannedTask(string TaskId, Func<string?, string> Contract, string? DocumentName, string? Model);

    private async Task<List<string>> BatchAnalysisAsync(RunContext run, IArtifactStore store, CancellationToken cancellationToken)
    {
        if (run.IsStageDone(StageNames.BatchAnalysis))
        {
            return [.. run.Outputs.AnalysisResults];
        }

        var planned = PlanAnalyses(run);
        var sample = await PretestAsync(run, store, planned, cancellationToken).ConfigureAwait(false);

        // An adopted run reads back what earlier executions recorded (the pre-test's sample among it); a pre-test in
        // this execution hands its answers on, so the full run never asks for them again. Only results count as
        // recorded: a task that failed earlier (dead-listed, or failed after its attempts) is done again.
        var prior = run.Adopted ? await RecordedAnalysesAsync(run, planned, cancellationToken).ConfigureAwait(false) : null;
        var recorded = prior?.Succeeded ?? sample;

        // A batch run (`run --batch`) gets the answers from the provider's batch API first; the tasks then carry them.
        planned = await WithBatchAnswersAsync(run, store, planned, recorded, cancellationToken).ConfigureAwait(false);
        var succeeded = new List<(string TaskId, string Hash)>();
        await RunStageAsync(run, StageNames.BatchAnalysis, planned, async (task, signal) =>
        {
            await RecordAnalysisAsync(run, store, task, signal, cancellationToken).ConfigureAwait(false);
            succeeded.Add((task.TaskId, signal.ResultHash!));
            metrics?.RunCost(run.Folder.RunId, run.CostUsd, run.Experiment.MaxCostUsd);
            if (run.Experiment.MaxCostUsd is { } budget && run.CostUsd > budget)
            {
                throw new RunFailedException(
                    $"the budget of ${budget.ToString(CultureInfo.InvariantCulture)} (budget.max_cost_usd) was exceeded after {succeeded.Count} analyses (${run.CostUsd.ToString("F4", CultureInfo.InvariantCulture)}); the remaining tasks were cancelled");
            }
        }, cancellationToken, recorded, prior).ConfigureAwait(false);

        if (succeeded.Count == 0)
        {
            var reasons = string.Join("; ", run.Failures.Select(f => f.Reason).Distinct().Take(3));
            throw new RunFailedException($"all {planned.Count} analyses failed, so there is nothing to synthesise. First reasons: {reasons}");
        }

        // Task order, not completion order, so the synthesis input (and its hash) does not depend on timing.
        var order = planned.Select((p, i) => (p.TaskId, i)).ToDictionary(x => x.TaskId, x => x.i);
        var hashes = succeeded.OrderBy(s => order[s.TaskId]).Select(s => s.Hash).ToList();
        run.Outputs = run.Outputs with { AnalysisResults = hashes };
        await run.PersistOutputsAsync().ConfigureAwait(false);
        return hashes;
    }

    /// <summary>
    /// Every analysis of the run, in the order model → run → document: task ids are a pure function of the manifest,
    /// so the pre-test, the full run and an Orchestrator that adopts the run all plan the same ones.
    /// </summary>
    private static List<PlannedTask> PlanAnalyses(RunContext run)
    {
        var manifest = run.Manifest;
        var promptHash = run.PromptHash(PromptLibrary.AnalyseDocument);

        // Only what a contract needs is kept per document, its metadata as shared strings: a task holds its id and this,
        // and the contract itself is written when the task is queued.
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        string Shared(string value) => strings.TryGetValue(value, out var shared) ? shared : strings[value] = value;
        var documents = run.ReadDocuments().Select(d => new PlannedDocument(d.File, d.DocumentId, d.TextSha256,
            [.. d.Metadata.SelectMany(kv => new[] { Shared(kv.Key), Shared(kv.Value) })])).ToList();
        strings.Clear();

        var planned = new List<PlannedTask>(documents.Count * run.Models.Names.Count * run.Models.RunsPerModel);
        var n = 0;
        foreach (var model in run.Models.Names)
        {
            for (var r = 1; r <= run.Models.RunsPerModel; r++)
            {
                foreach (var document in documents)
                {
                    // Ids are a pure function of the manifest, so an Orchestrator that adopts the run plans the same ones.
                    var taskId = TaskIds.Build(run.Folder.RunId, TaskTypes.AnalyseDocument, ++n);
                    var (doc, forModel, run_) = (document, model, r);
                    string Contract(string? traceparent) => CoordinationJson.Serialize(new AnalyseDocumentTask
                    {
                        RunId = run.Folder.RunId,
                        TaskId = taskId,
                        FrameworkHash = manifest.Framework!.Sha256,
                        DocumentHash = doc.TextSha256,
                        DocumentName = doc.File,
                        PromptHash = promptHash,
                        Model = forModel,
                        Params = new AnalysisParams
                        {
                            Run = run_,
                            AnalysisVariant = run.Models.AnalysisVariant,
                            CorpusDocumentId = doc.DocumentId,
                            Cache = run.Models.Cache == Models.CacheModes.Refresh ? Models.CacheModes.Refresh : null,
                            Extra = new Dictionary<string, JsonElement> { ["metadata"] = JsonSerializer.SerializeToElement(doc.MetadataDictionary()) },
                        },
                        Traceparent = traceparent,
                    });
                    planned.Add(new PlannedTask(taskId, Contract, document.File, model));
                }
            }
        }

        return planned;
    }

    /// <summary>What an analysis contract needs of a manifest document; metadata as key, value, key, value…, in the manifest's order.</summary>
    private sealed record PlannedDocument(string File, string DocumentId, string TextSha256, string[] Metadata)
    {
        public Dictionary<string, string> MetadataDictionary()
        {
            var metadata = new Dictionary<string, string>(Metadata.Length / 2, StringComparer.Ordinal);
            for (var i = 0; i < Metadata.Length; i += 2)
            {
                metadata[Metadata[i]] = Metadata[i + 1];
            }

            return metadata;
        }
    }

    /// <summary>
    /// Takes a finished analysis into the run: its result file in the run folder and its tokens, cost and calls in the
    /// run's totals, each counted once (a sample answer the pre-test counted is not counted again by the full run).
    /// </summary>
    private static async Task<AnalysisResult> RecordAnalysisAsync(RunContext run, IArtifactStore store, PlannedTask task, CompletionSignal signal, CancellationToken cancellationToken)
    {
        var bytes = await store.GetAsync(signal.ResultHash!, cancellationToken).ConfigureAwait(false)
            ?? throw new RunFailedException($"the result {signal.ResultHash} of {task.TaskId} is not in the artifact store");
        var result = JsonSerializer.Deserialize<AnalysisResult>(bytes, DiscernusJson.Indented)
            ?? throw new RunFailedException($"the result of {task.TaskId} is empty");
        if (run.CountOnce(task.TaskId))
        {
            var meta = result.ProcessingMetadata;
            // Tokens count what was sent to a provider: an offline model's prompt goes nowhere.
            var sent = !Models.ModelName.IsOffline(meta.Model);
            run.AddUsage(sent ? meta.TokensUsed.Prompt : 0, sent ? meta.TokensUsed.Completion : 0, meta.CostUsd, meta.Cached,
                new Models.ModelCallCounts(meta.ProviderRequests, meta.CacheHits, meta.Retries, meta.FailedRequests, meta.OfflineAnalyses));
            await run.WriteAnalysisResultAsync(signal.ResultHash!, bytes, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// For a run that an earlier execution started: the results it already wrote to the run folder (a result file is
    /// named by its own hash, so a damaged one is set aside and redone) and the completion signals Redis still holds.
    /// </summary>
    private async Task<PriorExecution> RecordedAnalysesAsync(RunContext run, IReadOnlyList<PlannedTask> planned, CancellationToken cancellationToken)
    {
        var ids = planned.Select(p => p.TaskId).ToHashSet(StringComparer.Ordinal);
        var recorded = new Dictionary<string, CompletionSignal>(StringComparer.Ordinal);
        if (Directory.Exists(run.Folder.BatchAnalysisDirectory))
        {
            foreach (var path in Directory.EnumerateFiles(run.Folder.BatchAnalysisDirectory, "*.json"))
            {
                var hash = Path.GetFileNameWithoutExtension(path);
                var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                AnalysisResult? result = null;
                if (Hashing.Sha256Hex(bytes) == hash)
                {
                    try
                    {
                        result = JsonSerializer.Deserialize<AnalysisResult>(bytes, DiscernusJson.Indented);
                    }
                    catch (JsonException)
                    {
                        result = null;
                    }
                }

                if (result is null)
                {
                    var aside = path + ".damaged";
                    File.Move(path, aside, overwrite: true);
                    run.Log.Warning(StageNames.BatchAnalysis, Agent, $"{run.Folder.Relative(path)} does not match its name; set aside as {Path.GetFileName(aside)} and redone");
                    continue;
                }

                if (ids.Contains(result.ProcessingMetadata.TaskId))
                {
                    recorded[result.ProcessingMetadata.TaskId] = CompletionSignal.Success(result.ProcessingMetadata.TaskId, hash);
                }
            }
        }

        // Workers went on while the run had no Orchestrator: their signals wait in the done list, already taken ones in completed.
        await using var completions = new RunCompletions(connections, keys, timeProvider: time);
        var taken = await resilience.ExecuteAsync(ct => completions.ReadTakenAsync(run.Folder.RunId, ct), $"reading the recorded completions of run {run.Folder.RunId}", cancellationToken).ConfigureAwait(false);
        var waiting = await resilience.ExecuteAsync(ct => completions.ReadWaitingAsync(run.Folder.RunId, ct), $"reading the waiting completions of run {run.Folder.RunId}", cancellationToken).ConfigureAwait(false);
        var failed = new HashSet<string>(run.Manifest.Failures.Select(f => f.TaskId).Where(ids.Contains), StringComparer.Ordinal);

        // Failures still waiting in the done list were sent to an earlier execution (some after it had stopped): this
        // one will read them first, and must not take them for verdicts on the tasks it queues again.
        var stale = waiting.Where(s => ids.Contains(s.TaskId) && !s.IsSucceeded).Select(s => s.TaskId).ToHashSet(StringComparer.Ordinal);
        foreach (var signal in taken.Concat(waiting).Where(s => ids.Contains(s.TaskId)))
        {
            if (signal.IsSucceeded && signal.ResultHash is not null)
            {
                recorded.TryAdd(signal.TaskId, signal);
            }
            else if (!AgentOutcome.StopsRun(signal.Error, out _))
            {
                // A task that stopped the run (its endpoint unusable) did not fail: it has no result, like a lost one.
                failed.Add(signal.TaskId);
            }
        }

        failed.ExceptWith(recorded.Keys);
        var deadListed = await DeadListedAsync(run.Folder.RunId, cancellationToken).ConfigureAwait(false);
        deadListed.IntersectWith(failed);
        deadListed.UnionWith(run.Manifest.Failures.Where(f => failed.Contains(f.TaskId) && IsDeadLetterReason(f.Reason)).Select(f => f.TaskId));
        run.Log.Info(StageNames.BatchAnalysis, Agent, $"{recorded.Count} of {planned.Count} analyses were already recorded by an earlier execution; only the rest are done now");
        return new PriorExecution(recorded, failed, deadListed, stale);
    }

    /// <summary>
    /// What earlier executions of a run left: the analyses with a result, those that failed (some of them dead-listed),
    /// and the failure signals sent to them that still wait to be read.
    /// </summary>
    private sealed record PriorExecution(Dictionary<string, CompletionSignal> Succeeded, HashSet<string> Failed, HashSet<string> DeadListed, HashSet<string> StaleSignals);

    /// <summary>The tasks of a run in the dead list (moved there after their attempt limit); empty when Redis forgot it.</summary>
    private async Task<HashSet<string>> DeadListedAsync(string runId, CancellationToken cancellationToken)
    {
        var entries = await resilience.ExecuteAsync(async ct =>
        {
            ct.ThrowIfCancellationRequested();
            return await connections.Database.ListRangeAsync(keys.Dead).ConfigureAwait(false);
        }, "reading the dead list", cancellationToken).ConfigureAwait(false);
        var dead = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            try
            {
                if (JsonSerializer.Deserialize(entry.ToString(), CoordinationJson.TypeInfo<DeadLetterEntry>()) is { } letter && letter.RunId == runId)
                {
                    dead.Add(letter.TaskId);
                }
            }
            catch (JsonException)
            {
                // The audit reports malformed entries; here they name no task of this run.
                continue;
            }
        }

        return dead;
    }

    // The Router's dead-letter reasons: an agent that threw on every attempt, or a task whose workers kept dying.
    private static bool IsDeadLetterReason(string reason) =>
        reason.Contains(" time(s); last error", StringComparison.Ordinal) || reason.Contains("without being settled", StringComparison.Ordinal);

    private async Task<SynthesisResult> SynthesisAsync(RunContext run, IArtifactStore store, List<string> analyses, CancellationToken cancellationToken)
    {
        if (run.IsStageDone(StageNames.Synthesis) && run.Outputs.SynthesisResult is { } recordedHash)
        {
            var recorded = await store.GetAsync(recordedHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the recorded synthesis result is not in the artifact store");
            return JsonSerializer.Deserialize<SynthesisResult>(recorded, DiscernusJson.Indented) ?? throw new RunFailedException("the recorded synthesis result is empty");
        }

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
                Cache = run.Models.Cache == Models.CacheModes.Refresh ? Models.CacheModes.Refresh : null,
                Research = new ResearchSettings { ReliabilityFiltering = experiment.ReliabilityFiltering, AdvancedFiltering = experiment.AdvancedFiltering, GoldHash = run.Manifest.Gold?.Sha256, Hypotheses = experiment.Hypotheses, Validation = run.Manifest.Validity?.Validation, Calibration = run.Manifest.Validity?.Calibration },
            },
        };

        SynthesisResult? result = null;
        await RunStageAsync(run, StageNames.Synthesis, [new PlannedTask(taskId, traceparent => CoordinationJson.Serialize(contract with { Traceparent = traceparent }), null, contract.Model)], async (_, signal) =>
        {
            var bytes = await store.GetAsync(signal.ResultHash!, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the synthesis result is not in the artifact store");
            result = JsonSerializer.Deserialize<SynthesisResult>(bytes, DiscernusJson.Indented) ?? throw new RunFailedException("the synthesis result is empty");
            var sent = !Models.ModelName.IsOffline(result.Model);
            run.AddUsage(sent ? result.TokensUsed.Prompt : 0, sent ? result.TokensUsed.Completion : 0, result.CostUsd, false, result.Calls);
            var text = await store.GetAsync(result.SynthesisTextHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the synthesis text is not in the artifact store");
            var statistics = await store.GetAsync(result.StatisticsHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the statistics are not in the artifact store");
            var synthesisPath = await run.WriteOutputAsync(RunFolder.SynthesisFile(result.SynthesisTextHash), text, "synthesis", cancellationToken).ConfigureAwait(false);
            var statisticsPath = await run.WriteOutputAsync(RunFolder.StatisticsFile, statistics, "statistics", cancellationToken).ConfigureAwait(false);
            var exports = new List<string>();
            foreach (var (file, hash) in result.Exports.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var content = await store.GetAsync(hash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException($"the export {file} is not in the artifact store");
                exports.Add(await run.WriteOutputAsync(RunFolder.ExportFile(file), content, "export", cancellationToken).ConfigureAwait(false));
            }

            if (result.CalibrationHash is { } calibrationHash)
            {
                var maps = await store.GetAsync(calibrationHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the calibration maps are not in the artifact store");
                var mapsPath = await run.WriteOutputAsync(RunFolder.CalibrationFile, maps, "calibration", cancellationToken).ConfigureAwait(false);
                await run.Folder.UpdateManifestAsync(m => m with
                {
                    Validity = (m.Validity ?? new ManifestValidity { Validation = new Experiments.ValiditySettings() }) with { CalibrationModel = mapsPath, CalibrationModelSha256 = calibrationHash },
                }, CancellationToken.None).ConfigureAwait(false);
            }

            var scoresPath = exports.FirstOrDefault(e => e.EndsWith("/scores.csv", StringComparison.Ordinal));
            run.Outputs = run.Outputs with { Synthesis = synthesisPath, Statistics = statisticsPath, ScoresCsv = scoresPath, Exports = exports, SynthesisResult = signal.ResultHash };
        }, cancellationToken).ConfigureAwait(false);

        var synthesis = result ?? throw new RunFailedException($"synthesis failed: {run.Failures.LastOrDefault()?.Reason ?? "no result"}");
        await run.PersistOutputsAsync().ConfigureAwait(false);
        return synthesis;
    }

    private async Task<(string Markdown, string Html)> ReportAsync(RunContext run, IArtifactStore store, SynthesisResult synthesis, CancellationToken cancellationToken)
    {
        // The report describes the run as it is now: stages, failures and cost so far.
        // Its head: the report needs no per-document list (the corpus size is in `corpus.document_count`).
        var snapshot = run.Folder.ReadManifestHead() with { Failures = run.Failures.ToList(), Cost = run.Cost(run.Manifest.Cost), Outputs = run.Outputs };
        var manifestHash = await store.PutAsync(DiscernusJson.Serialize(snapshot), cancellationToken).ConfigureAwait(false);
        var taskId = TaskIds.Build(run.Folder.RunId, TaskTypes.GenerateReport, 1);
        var contract = new GenerateReportTask
        {
            RunId = run.Folder.RunId,
            TaskId = taskId,
            SynthesisHash = await store.PutAsync(DiscernusJson.Serialize(synthesis), cancellationToken).ConfigureAwait(false),
            StatisticsHash = synthesis.StatisticsHash,
            ManifestHash = manifestHash,
            PromptHash = run.PromptHash(PromptLibrary.GenerateReport),
        };

        // A report an interrupted execution began but never recorded is regenerated, not kept beside the new one.
        RemoveUnrecordedReports(run);
        (string, string)? paths = null;
        await RunStageAsync(run, StageNames.Report, [new PlannedTask(taskId, traceparent => CoordinationJson.Serialize(contract with { Traceparent = traceparent }), null, null)], async (_, signal) =>
        {
            var bytes = await store.GetAsync(signal.ResultHash!, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the report result is not in the artifact store");
            var result = JsonSerializer.Deserialize<ReportResult>(bytes, DiscernusJson.Indented) ?? throw new RunFailedException("the report result is empty");
            var markdown = await store.GetAsync(result.MarkdownHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the report is not in the artifact store");
            var html = await store.GetAsync(result.HtmlHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the HTML report is not in the artifact store");
            var markdownPath = await run.WriteOutputAsync(RunFolder.ReportMarkdownFile, markdown, "report", cancellationToken).ConfigureAwait(false);
            var htmlPath = await run.WriteOutputAsync(RunFolder.ReportHtmlFile, html, "report_html", cancellationToken).ConfigureAwait(false);
            run.Outputs = run.Outputs with { ReportMarkdown = markdownPath, ReportHtml = htmlPath };
            paths = (markdownPath, htmlPath);
        }, cancellationToken).ConfigureAwait(false);

        return paths ?? throw new RunFailedException($"the report failed: {run.Failures.LastOrDefault()?.Reason ?? "no result"}");
    }

    private static void RemoveUnrecordedReports(RunContext run)
    {
        if (!run.Adopted || !Directory.Exists(run.Folder.ReportsDirectory))
        {
            return;
        }

        var listed = new HashSet<string>(StringComparer.Ordinal);
        run.Folder.ReadFiles(f => listed.Add(f.Path));
        foreach (var path in Directory.EnumerateFiles(run.Folder.ReportsDirectory))
        {
            var relative = run.Folder.Relative(path);
            if (!listed.Contains(relative))
            {
                File.Delete(path);
                run.Log.Warning(StageNames.Report, Agent, $"removed {relative}, written by an interrupted execution and never recorded; it is generated again");
            }
        }
    }

    /// <summary>
    /// Pushes a stage's tasks and waits for all their completion signals. Every wait is bounded: a stage with no
    /// completion for <see cref="OrchestratorOptions.StallTimeout"/> fails the run with a diagnosis. Each task counts
    /// once, however often its signal arrives. <paramref name="recorded"/> holds what an earlier execution of the run
    /// already finished: those tasks are counted, not queued again, and tasks still queued or claimed are left alone.
    /// </summary>
    private async Task RunStageAsync(RunContext run, string stage, IReadOnlyList<PlannedTask> planned,
        Func<PlannedTask, CompletionSignal, Task> onSuccess, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, CompletionSignal>? recorded = null, PriorExecution? prior = null)
    {
        var runId = run.Folder.RunId;
        using var span = Telemetry.DiscernusActivities.StartStage(runId, stage);
        var traceparent = Telemetry.DiscernusActivities.Traceparent(span);
        var started = time.GetUtcNow();
        await run.StageAsync(stage, s => s with { Status = RunStatus.Running, StartedAt = run.Now(), TasksTotal = planned.Count, TasksSucceeded = 0, TasksFailed = 0 }).ConfigureAwait(false);
        await resilience.ExecuteAsync(ct => states.SetAsync(runId, new Dictionary<string, string>
        {
            [RunStateFields.Stage] = stage,
            [RunStateFields.Total] = planned.Count.ToString(CultureInfo.InvariantCulture),
            [RunStateFields.Completed] = "0",
            [RunStateFields.Failed] = "0",
        }, ct), $"recording the state of run {runId}", cancellationToken).ConfigureAwait(false);

        var pending = planned.ToDictionary(p => p.TaskId, StringComparer.Ordinal);
        int succeeded = 0, failed = 0;

        // Tasks an earlier execution left queued or claimed: a worker may still finish them the old way.
        var earlierInFlight = new HashSet<string>(StringComparer.Ordinal);

        // Tasks whose contract Redis lost before a worker claimed them, and how often each was queued again for it.
        var lostContracts = new Dictionary<string, int>(StringComparer.Ordinal);

        async Task CountAsync(CompletionSignal signal)
        {
            if (!signal.IsSucceeded && prior?.StaleSignals.Remove(signal.TaskId) == true)
            {
                // Already read (and the task queued again) when this execution took the run over.
                return;
            }

            if (RedisTaskQueue.IsLostContract(signal.Error) && pending.TryGetValue(signal.TaskId, out var lost) && lostContracts.GetValueOrDefault(signal.TaskId) < LostContractRequeues)
            {
                // The task never ran: Redis lost its contract (a reset deletes keys one by one, a restart forgets them).
                lostContracts[signal.TaskId] = lostContracts.GetValueOrDefault(signal.TaskId) + 1;
                run.Log.Info(stage, Agent, $"{signal.TaskId} had no contract when a worker claimed it (Redis lost it); queued again");
                await resilience.ExecuteAsync(ct => tasks.EnqueueManyAsync([(lost.TaskId, lost.Contract(traceparent))], ct), $"queueing the tasks of run {runId}", cancellationToken).ConfigureAwait(false);
                return;
            }

            if (AgentOutcome.StopsRun(signal.Error, out var staleReason) && earlierInFlight.Remove(signal.TaskId) && pending.TryGetValue(signal.TaskId, out var stale))
            {
                // A task that waited for the endpoint since before this execution gave up on the outage that stopped
                // the last one: that is no verdict on the endpoint now. It is queued again; a task of this execution
                // that gives up stops the run.
                run.Log.Info(stage, Agent, $"{signal.TaskId}, left in flight by an earlier execution, gave up on an earlier outage ({staleReason}); queued again");
                await resilience.ExecuteAsync(ct => tasks.EnqueueManyAsync([(stale.TaskId, stale.Contract(traceparent))], ct), $"queueing the tasks of run {runId}", cancellationToken).ConfigureAwait(false);
                return;
            }

            if (!pending.Remove(signal.TaskId, out var task))
            {
                // A duplicate delivery (at-least-once) or a signal for another stage: already accounted for.
                return;
            }

            if (signal.IsSucceeded && signal.ResultHash is not null)
            {
                await onSuccess(task, signal).ConfigureAwait(false);
                succeeded++;
                if (run.AnnouncedOutage is not null)
                {
                    await EndOutageAsync(run, stage).ConfigureAwait(false);
                }
            }
            else if (AgentOutcome.StopsRun(signal.Error, out var stopReason))
            {
                // The model endpoint is unusable (ModelEndpointUnusableException): every further task would fail the
                // same way. The task is not counted as failed, so a resumed run asks again.
                throw new RunFailedException(stopReason);
            }
            else
            {
                failed++;
                var reason = signal.Error ?? "failed without a reason";
                run.Failures.Add(new ManifestFailure(task.TaskId, task.DocumentName, task.Model, reason));
                run.Log.Error(stage, Agent, $"{task.TaskId} failed: {reason}", new Dictionary<string, object?> { ["document_name"] = task.DocumentName, ["model"] = task.Model });
            }
        }

        var toQueue = planned;
        if (recorded is not null)
        {
            foreach (var signal in recorded.Values)
            {
                await CountAsync(signal).ConfigureAwait(false);
            }

            var unfinished = pending.Keys.ToList();
            var inFlight = await resilience.ExecuteAsync(ct => tasks.FindQueuedAsync(unfinished, ct), $"looking up the queued tasks of run {runId}", cancellationToken).ConfigureAwait(false);
            earlierInFlight.UnionWith(inFlight);
            toQueue = pending.Values.Where(p => !inFlight.Contains(p.TaskId)).ToList();
            run.Log.Info(stage, Agent, $"{StageNames.Title(stage)}: {planned.Count - pending.Count} task(s) already finished, {inFlight.Count} still queued or claimed, {toQueue.Count} {(run.Adopted ? "queued again" : "to queue")}");
            if (prior is not null)
            {
                // What a resume (or an adoption) repairs, by cause: every task without a valid result is done again.
                var again = toQueue.Select(t => t.TaskId).ToHashSet(StringComparer.Ordinal);
                var dead = prior.DeadListed.Count(again.Contains);
                var failedBefore = prior.Failed.Count(id => again.Contains(id) && !prior.DeadListed.Contains(id));
                var lost = again.Count - dead - failedBefore;
                var message = $"Run {(run.Manifest.Executions.LastOrDefault()?.Kind ?? "resumed")}: {planned.Count - pending.Count} of {planned.Count} analyses have a result and are kept; " +
                    $"{again.Count} queued again: {dead} dead-listed, {failedBefore} failed after their attempts, {lost} lost (no result and no record); {inFlight.Count} still queued or claimed.";
                run.Log.Warning(stage, Agent, message, new Dictionary<string, object?> { ["dead_listed"] = dead, ["failed"] = failedBefore, ["lost"] = lost, ["in_flight"] = inFlight.Count });
                await NoticeAsync(runId, message).ConfigureAwait(false);
            }
        }

        // A window of tasks is queued, and refilled as tasks finish: Redis (the embedded Garnet keeps everything in
        // memory) holds a bounded number of contracts whatever the corpus size, and runs sharing workers interleave.
        var nextToQueue = 0;
        var inQueue = pending.Count - toQueue.Count;
        async Task TopUpAsync()
        {
            var room = options.QueueWindow - inQueue;
            if (room <= 0 || nextToQueue >= toQueue.Count)
            {
                return;
            }

            var batch = toQueue.Skip(nextToQueue).Take(room).Select(t => (t.TaskId, t.Contract(traceparent))).ToList();
            await resilience.ExecuteAsync(ct => tasks.EnqueueManyAsync(batch, ct), $"queueing the tasks of run {runId}", cancellationToken).ConfigureAwait(false);
            if (TaskIds.TryParse(batch[0].TaskId, out var queuedType))
            {
                metrics?.TasksQueued(queuedType.TaskType, batch.Count);
            }
            nextToQueue += batch.Count;
            inQueue += batch.Count;
        }

        await TopUpAsync().ConfigureAwait(false);
        run.Log.Info(stage, Agent, $"{StageNames.Title(stage)}: {toQueue.Count} task(s) to queue, at most {options.QueueWindow} at a time");

        // Redis is a cache of the run; the folder and this execution's own count are its truth. When the run's keys
        // are gone (a restart without persistence, `debug --reset`, an eviction), every task without a result is queued
        // again, with the same ids: workers whose claims vanished discard their results, and the cache makes the
        // repeated calls cheap.
        async Task RebuildAsync()
        {
            var message = $"Redis lost the state of run {runId} (restart without persistence? `discernus debug --reset`? eviction?) — rebuilding from the run folder: " +
                $"{planned.Count - pending.Count} task(s) of {StageNames.Title(stage)} already finished are kept, {pending.Count} without a result are queued again";
            run.Log.Warning(stage, Agent, message);
            logger.LogInformation("{Message}", message);
            await RestoreStateAsync(run, stage, planned.Count, succeeded + failed, failed).ConfigureAwait(false);
            await NoticeAsync(run.Folder.RunId, message).ConfigureAwait(false);
            var order = planned.Select((p, i) => (p.TaskId, i)).ToDictionary(x => x.TaskId, x => x.i, StringComparer.Ordinal);
            toQueue = pending.Values.OrderBy(p => order[p.TaskId]).ToList();
            nextToQueue = 0;
            inQueue = 0;
            await TopUpAsync().ConfigureAwait(false);
        }

        // One completion waiter per stage: a waiter serves one blocking wait at a time, and runs proceed concurrently.
        await using var completions = new RunCompletions(connections, keys, timeProvider: time);
        try
        {
            var lastProgress = time.GetUtcNow();
            var lastHousekeeping = lastProgress;
            var lastManifestUpdate = lastProgress;
            var lastCancelCheck = DateTimeOffset.MinValue;
            var lastCallsTaken = DateTimeOffset.MinValue;

            // The manifest is rewritten whole; for a large corpus its progress counts are refreshed less often.
            var manifestInterval = ManifestProgressInterval * Math.Max(1, (run.Manifest.Corpus?.DocumentCount ?? 0) / 4000);
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (time.GetUtcNow() - lastCancelCheck >= CancelCheckInterval)
                {
                    lastCancelCheck = time.GetUtcNow();
                    var control = await resilience.ExecuteAsync(ct => states.GetControlAsync(runId, ct), $"reading the state of run {runId}", cancellationToken).ConfigureAwait(false);
                    if (control.CancelRequested)
                    {
                        throw new OperationCanceledException("the run was cancelled");
                    }

                    if (control.Epoch != run.Epoch)
                    {
                        await RebuildAsync().ConfigureAwait(false);
                        lastProgress = time.GetUtcNow();
                    }

                    await WatchOutageAsync(run, stage, control.Outage).ConfigureAwait(false);
                }

                if (time.GetUtcNow() - lastCallsTaken >= CallsInterval)
                {
                    lastCallsTaken = time.GetUtcNow();
                    await TakeRemoteCallsAsync(run, cancellationToken).ConfigureAwait(false);
                }

                // Signals are taken in batches: under load many wait, and each round trip and state write is shared.
                var signals = await resilience.ExecuteAsync(ct => completions.WaitManyAsync(runId, SignalBatch, options.CompletionWait, ct), $"waiting for the tasks of run {runId}", cancellationToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                var before = pending.Count;
                if (completions.ReplayNeeded)
                {
                    // A signal may have been moved while the connection dropped: read back everything taken so far.
                    var taken = await resilience.ExecuteAsync(ct => completions.ReadTakenAsync(runId, ct), $"reading the completions of run {runId}", cancellationToken).ConfigureAwait(false);
                    completions.ClearReplay();
                    foreach (var replayed in taken)
                    {
                        await CountAsync(replayed).ConfigureAwait(false);
                    }
                }

                foreach (var signal in signals)
                {
                    await CountAsync(signal).ConfigureAwait(false);
                }

                if (pending.Count < before)
                {
                    inQueue -= before - pending.Count;
                    await TopUpAsync().ConfigureAwait(false);
                    lastProgress = now;
                    var calls = run.Calls;
                    await resilience.ExecuteAsync(ct => states.SetCountsAsync(runId, planned.Count, succeeded + failed, failed, (calls.ProviderRequests, calls.CacheHits, calls.Retries), ct), $"recording the progress of run {runId}", cancellationToken).ConfigureAwait(false);
                }

                if (now - lastManifestUpdate >= manifestInterval && pending.Count < before)
                {
                    // `discernus status` on the folder shows progress even when Redis is not reachable from there.
                    lastManifestUpdate = now;
                    var (ok, bad) = (succeeded, failed);
                    await run.StageAsync(stage, s => s with { TasksSucceeded = ok, TasksFailed = bad }).ConfigureAwait(false);
                }

                if (now - lastHousekeeping >= options.OrphanCheckInterval)
                {
                    lastHousekeeping = now;
                    var requeued = await resilience.ExecuteAsync(ct => orphans.RequeueOrphansAsync(ct), "returning the claims of stopped workers", cancellationToken).ConfigureAwait(false);
                    if (requeued > 0)
                    {
                        run.Log.Warning(stage, Agent, $"{requeued} task(s) of workers that stopped heartbeating were put back on the queue");
                    }

                    // A run nobody finishes (its Orchestrator gone for good) does not keep its keys forever.
                    await resilience.ExecuteAsync(ct => states.ExpireAsync(runId, options.AbandonedRunTtl, options.AbandonedRunTtl, ct), $"refreshing the keys of run {runId}", cancellationToken).ConfigureAwait(false);
                }

                // A stage waiting out a model outage is paused, not stalled: the outage limit bounds that wait.
                if (run.AnnouncedOutage is not null)
                {
                    lastProgress = now;
                }

                if (signals.Count == 0 && pending.Count == before && now - lastProgress >= options.StallTimeout)
                {
                    throw new RunFailedException(await StallDiagnosisAsync(stage, runId, pending.Count, planned.Count).ConfigureAwait(false));
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The stage ends here, whatever ended it (an artifact store outage too): keep what it achieved in the
            // manifest, so its counts match the result files in the folder, then let the run record why.
            Telemetry.DiscernusActivities.Fail(span, ex is OperationCanceledException ? "cancelled" : ex.Message);
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
        span?.SetTag(Telemetry.DiscernusActivities.OutcomeAttribute, status);
        run.Log.Info(stage, Agent, $"{StageNames.Title(stage)} finished: {succeeded} succeeded, {failed} failed");
    }

    private async Task<string> StallDiagnosisAsync(string stage, string runId, int unfinished, int total)
    {
        var queued = await resilience.ExecuteAsync(ct => tasks.GetLengthAsync(ct), "measuring the task queue").ConfigureAwait(false);
        var state = await resilience.ExecuteAsync(ct => states.GetAsync(runId, ct), $"reading the state of run {runId}").ConfigureAwait(false);
        var released = state?.Fields.GetValueOrDefault(RunStateFields.TasksReleased);
        var why = released is not null
            ? $"Workers handed back {released} task(s) because they cannot reach the run's artifact store ({state!.Fields.GetValueOrDefault(RunStateFields.ReleasedBy)}): give them the same store (DISCERNUS_ARTIFACT_STORE=s3 for workers on other machines)."
            : queued > 0
                ? "No worker is taking tasks: start `discernus worker` against the same Redis, or run without DISCERNUS_REDIS_URL."
                : "Workers took the tasks but did not finish them: see the worker logs.";
        return $"stage {StageNames.Title(stage)} made no progress for {options.StallTimeout.TotalSeconds:F0} s: {unfinished} of {total} task(s) unfinished, {queued} waiting in the queue. {why} (stall timeout: DISCERNUS_STALL_TIMEOUT_SECONDS)";
    }
}
