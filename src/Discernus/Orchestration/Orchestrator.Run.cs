using System.Diagnostics;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration;

internal sealed partial class Orchestrator
{
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

    private async Task<RunOutcome> ExecuteTracedAsync(RunRequest request, bool adopt, CancellationToken cancellationToken)
    {
        var runId = request.RunId;
        var (store, storeProblem) = await stores.ResolveAsync(request.ArtifactStore, null, cancellationToken).ConfigureAwait(false);
        if (store is null)
        {
            return await MarkFailedAsync(request, $"cannot open the run's artifact store: {storeProblem}").ConfigureAwait(false);
        }

        var epoch = Guid.NewGuid().ToString("N");
        await SetStateAsync(runId, new Dictionary<string, string>
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

        var prepared = adopt
            ? await PrepareAdoptionAsync(request, store, cancellationToken).ConfigureAwait(false)
            : await PrepareNewRunAsync(request, store, cancellationToken).ConfigureAwait(false);
        if (prepared.Outcome is { } early)
        {
            return early;
        }

        var run = prepared.Run!;
        run.Epoch = epoch;
        registry.Register(run.Log);
        try
        {
            await SetStateAsync(runId, new Dictionary<string, string> { [RunStateFields.ArtifactProbe] = run.Manifest.Framework!.Sha256 }).ConfigureAwait(false);
            var analyses = Reuses(run, StageNames.BatchAnalysis) && !run.IsStageDone(StageNames.BatchAnalysis)
                ? await ReuseAnalysesAsync(run, store, cancellationToken).ConfigureAwait(false)
                : await BatchAnalysisAsync(run, store, cancellationToken).ConfigureAwait(false);
            ReleaseStageMemory(run);
            (string Markdown, string Html)? reportResult = null;
            string? noSignal = null;
            if (!StopsAfter(run, StageNames.BatchAnalysis))
            {
                var synthesis = Reuses(run, StageNames.Synthesis) && !run.IsStageDone(StageNames.Synthesis)
                    ? await ReuseSynthesisAsync(run, store, cancellationToken).ConfigureAwait(false)
                    : await SynthesisAsync(run, store, analyses, cancellationToken).ConfigureAwait(false);
                noSignal = NoSignalReason(run, synthesis);
                if (!StopsAfter(run, StageNames.Synthesis))
                {
                    reportResult = await ReportAsync(run, store, synthesis, cancellationToken).ConfigureAwait(false);
                }
            }

            // A run that measured nothing is not a success, even when every task answered: its tables are all zeros.
            var problems = new[] { run.Failures.Count > 0 ? $"{run.Failures.Count} task(s) failed" : null, noSignal }.OfType<string>().ToList();
            var finalStatus = problems.Count > 0 ? RunStatus.CompletedWithFailures : RunStatus.Completed;
            var reason = problems.Count > 0 ? string.Join("; ", problems) : null;
            run.Log.Info("orchestrator", Agent, $"run {finalStatus}: {analyses.Count} analyses, {run.Failures.Count} failed" + (noSignal is null ? "" : $"; {noSignal}") + (run.Manifest.Plan?.StopAfter is { } last ? $"; stopped after {StageNames.Title(last)} as asked" : ""),
                new Dictionary<string, object?> { ["report"] = reportResult?.Markdown });
            await FinalizeAsync(run, finalStatus, noSignal).ConfigureAwait(false);
            return new RunOutcome(runId, finalStatus, run.Folder.Path, reason,
                reportResult is { } r ? Path.Combine(run.Folder.Path, r.Markdown) : null, reportResult is { } h ? Path.Combine(run.Folder.Path, h.Html) : null);
        }
        catch (OperationCanceledException)
        {
            run.Log.Warning("orchestrator", Agent, "run cancelled");
            await FinalizeAsync(run, RunStatus.Cancelled, "the run was cancelled").ConfigureAwait(false);
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
            await FinalizeAsync(run, RunStatus.Failed, ex.Message).ConfigureAwait(false);
            return new RunOutcome(runId, RunStatus.Failed, run.Folder.Path, ex.Message, null, null);
        }
        finally
        {
            registry.Unregister(runId);
        }
    }

    /// <summary>
    /// Why the run measured nothing, when no dimension of the framework has any signal (every one either scored 0 in
    /// every document or could not be scored at all); null when at least one dimension has a signal.
    /// </summary>
    private static string? NoSignalReason(RunContext run, Agents.SynthesisResult synthesis)
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
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        logger.LogDebug("Run {RunId}: managed heap {Before} MB before SYNTHESIS, {After} MB after a compacting collection",
            run.Folder.RunId, before / 1_000_000, GC.GetTotalMemory(forceFullCollection: false) / 1_000_000);
    }

    private sealed record Prepared(RunContext? Run, RunOutcome? Outcome);

    private async Task<Prepared> PrepareNewRunAsync(RunRequest request, IArtifactStore store, CancellationToken cancellationToken)
    {
        var runId = request.RunId;

        // VALIDATION: nothing is written to disk when it fails.
        var validationSpan = Telemetry.DiscernusActivities.StartStage(runId, StageNames.Validation);
        var validationStarted = time.GetUtcNow();
        var validationTimer = time.GetTimestamp();
        // The documents are read once: by the submitter, who stored them and passes their readings, or here, into the
        // store, after the other checks passed.
        var report = ExperimentValidator.Validate(request.ExperimentPath, limits, cancellationToken, readDocuments: false);
        IReadOnlyList<DocumentReading>? readings = null;
        if (report.Experiment is { } validated)
        {
            try
            {
                if (request.Options?.GetValueOrDefault(RunRequestOptions.DocumentReadings) is { } readingsHash)
                {
                    readings = await DocumentIntake.LoadAsync(readingsHash, validated, store, cancellationToken).ConfigureAwait(false);
                }

                if (readings is null)
                {
                    var (documentFindings, read) = await DocumentIntake.ReadAsync(validated, store, null, cancellationToken).ConfigureAwait(false);
                    report = ExperimentValidator.WithDocumentFindings(report, documentFindings);
                    readings = read;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArtifactCorruptedException or OperationCanceledException)
            {
                var status = ex is OperationCanceledException ? RunStatus.Cancelled : RunStatus.Failed;
                var error = $"validation failed: the documents could not be stored in the artifact store {store.Description}: {ex.Message}";
                Telemetry.DiscernusActivities.Fail(validationSpan, error);
                validationSpan?.Dispose();
                await SetStateAsync(runId, new Dictionary<string, string> { [RunStateFields.Status] = status, [RunStateFields.Error] = error }).ConfigureAwait(false);
                return new Prepared(null, new RunOutcome(runId, status, null, error, null, null));
            }
        }

        var models = report.Experiment is { } exp ? ResolveModels(request, exp) : null;
        var problems = report.IsValid
            ? ModelSelection.Preflight(models!.Names, environment)
            : report.Blocking.Select(f => $"{f.Location}: {f.Message} (fix: {f.Fix})").ToList();
        if (problems.Count > 0)
        {
            var error = $"validation failed: {string.Join("; ", problems)}";
            Telemetry.DiscernusActivities.Fail(validationSpan, error);
            validationSpan?.Dispose();
            await SetStateAsync(runId, new Dictionary<string, string> { [RunStateFields.Status] = RunStatus.Failed, [RunStateFields.Error] = error }).ConfigureAwait(false);
            return new Prepared(null, new RunOutcome(runId, RunStatus.Failed, null, error, null, null));
        }

        // RUN SETUP
        validationSpan?.Dispose();
        using var setupSpan = Telemetry.DiscernusActivities.StartStage(runId, StageNames.RunSetup);
        await SetStateAsync(runId, new Dictionary<string, string> { [RunStateFields.Stage] = StageNames.RunSetup }).ConfigureAwait(false);
        RunFolder folder;
        RunLog log;
        try
        {
            (folder, log) = await new RunSetup(store, time).SetUpAsync(new RunSetupRequest
            {
                Validation = report,
                Prompts = PromptLibrary.All(),
                Models = models!,
                SoftwareVersion = PromptLibrary.SoftwareVersion,
                RunId = runId,
                ValidationStartedAt = validationStarted,
                ValidationDuration = time.GetElapsedTime(validationTimer),
                Documents = readings,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or OperationCanceledException or ArgumentException)
        {
            var status = ex is OperationCanceledException ? RunStatus.Cancelled : RunStatus.Failed;
            await SetStateAsync(runId, new Dictionary<string, string> { [RunStateFields.Status] = status, [RunStateFields.Error] = ex.Message }).ConfigureAwait(false);
            return new Prepared(null, new RunOutcome(runId, status, null, $"run setup failed: {ex.Message}", null, null));
        }

        ManifestPlan? plan;
        ManifestValidity validity;
        try
        {
            plan = PlanOf(request);
            validity = ValidityOf(report.Experiment!, request);
        }
        catch (Exception ex) when (ex is RunFailedException or IOException or JsonException or InvalidDataException or UnauthorizedAccessException)
        {
            log.Error("orchestrator", Agent, ex.Message);
            return new Prepared(null, await MarkFailedAsync(request, ex.Message).ConfigureAwait(false));
        }

        await folder.UpdateManifestAsync(m => m with
        {
            Status = RunStatus.Running,
            ArtifactStore = store.Identity,
            Plan = plan,
            Validity = validity,
            Stages = plan?.Pretest is null ? m.Stages : WithPretestStage(m.Stages),
            Executions = [.. m.Executions, Execution("started")],
        }, CancellationToken.None).ConfigureAwait(false);
        var run = new RunContext(folder, log, report.Experiment!, models!, time);
        log.Info("orchestrator", Agent, $"run started: {models!.Names.Count} model(s) × {models.RunsPerModel} run(s) × {run.Manifest.Corpus?.DocumentCount ?? 0} document(s)",
            new Dictionary<string, object?> { ["models"] = models.Names, ["offline_baseline"] = models.OfflineBaseline, ["orchestrator"] = options.OrchestratorId });
        return new Prepared(run, null);
    }

    /// <summary>
    /// Takes over a run that exists (its Orchestrator died, or `run --resume`): the experiment must still be the one
    /// the run was set up from, the store must hold the run's inputs (they are put back from <c>assets/</c> if not),
    /// and the run continues from the stages and results already recorded.
    /// </summary>
    private async Task<Prepared> PrepareAdoptionAsync(RunRequest request, IArtifactStore store, CancellationToken cancellationToken)
    {
        var runId = request.RunId;
        var folder = new RunFolder(request.RunFolder, runId);
        var manifest = folder.ReadManifestHead();
        if (manifest.Status is RunStatus.SettingUp || manifest.Framework is null)
        {
            return new Prepared(null, await MarkFailedAsync(request, "the run was interrupted during RUN SETUP, before its inputs were all stored; it cannot be resumed: start a new run").ConfigureAwait(false));
        }

        // The documents are the manifest's own (stored at setup): their files are not read again.
        var report = ExperimentValidator.Validate(manifest.Experiment.Path, limits, cancellationToken, readDocuments: false);
        var changed = report.Experiment is not { } experiment
            ? $"the experiment at {manifest.Experiment.Path} no longer validates ({string.Join("; ", report.Blocking.Select(f => f.Message).Take(3))})"
            : ChangedInput(experiment, manifest);
        if (changed is not null)
        {
            return new Prepared(null, await MarkFailedAsync(request, $"cannot resume run {runId}: {changed}. A run continues only with the inputs it started with: start a new run").ConfigureAwait(false));
        }

        manifest = await RecordConfigChangeAsync(folder, manifest, report.Experiment!, store, cancellationToken).ConfigureAwait(false);
        var restored = await RestoreAssetsAsync(folder, store, cancellationToken).ConfigureAwait(false);
        var previous = manifest.Executions.LastOrDefault();
        var kind = request.Options?.GetValueOrDefault("resume") == "true" ? "resumed" : "adopted";
        manifest = await folder.UpdateManifestAsync(m => m with { Status = RunStatus.Running, Error = null, FinishedAt = null, ArtifactStore = store.Identity, Executions = [.. m.Executions, Execution(kind)] }, CancellationToken.None).ConfigureAwait(false);
        var log = new RunLog(folder, time);
        var run = new RunContext(folder, log, report.Experiment!, manifest.Models!, time);
        run.AdoptEarlierExecution();
        log.Warning("orchestrator", Agent,
            $"run {kind} by Orchestrator {options.OrchestratorId}" + (previous is null ? "" : $" after {previous.OrchestratorId} (process {previous.ProcessId} on {previous.Host}) stopped")
            + (restored > 0 ? $"; {restored} input(s) put back into the artifact store from assets/" : ""),
            new Dictionary<string, object?> { ["orchestrator"] = options.OrchestratorId, ["previous_orchestrator"] = previous?.OrchestratorId });
        logger.LogWarning("Run {RunId} {Kind} by {OrchestratorId}", runId, kind, options.OrchestratorId);
        return new Prepared(run, null);
    }

    /// <summary>
    /// What makes a run impossible to continue: a different framework (the analyses done and to do would not be
    /// comparable). The documents and models are the manifest's own, so a changed corpus does not matter; a changed
    /// experiment file (a raised budget, a new hypothesis) is taken, and recorded, by <see cref="RecordConfigChangeAsync"/>.
    /// </summary>
    private static string? ChangedInput(Experiment experiment, RunManifest manifest)
    {
        var framework = Hashing.Sha256Hex(File.ReadAllBytes(experiment.Framework.FilePath));
        return framework != manifest.Framework!.Sha256 ? $"the framework {Path.GetFileName(experiment.Framework.FilePath)} changed since the run started" : null;
    }

    /// <summary>A resumed run uses the experiment file as it is now; its new version is stored as an asset and named in the manifest.</summary>
    private async Task<RunManifest> RecordConfigChangeAsync(RunFolder folder, RunManifest manifest, Experiment experiment, IArtifactStore store, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(experiment.ExperimentFilePath, cancellationToken).ConfigureAwait(false);
        var hash = Hashing.Sha256Hex(bytes);
        if (hash == manifest.Experiment.ConfigSha256)
        {
            return manifest;
        }

        await store.PutAsync(bytes, cancellationToken).ConfigureAwait(false);
        var asset = $"assets/{hash}{Path.GetExtension(experiment.ExperimentFilePath)}";
        await folder.WriteFileAsync(asset, bytes, cancellationToken).ConfigureAwait(false);
        new RunLog(folder, time).Warning("orchestrator", Agent,
            $"{Path.GetFileName(experiment.ExperimentFilePath)} changed since the run started (was {manifest.Experiment.ConfigSha256}); the rest of the run uses the current one ({hash})");
        return await folder.UpdateManifestAsync(m => m with
        {
            Experiment = m.Experiment with { ConfigSha256 = hash, ConfigAsset = asset },
        }, new ManifestFileChanges([new ManifestFile(asset, hash, "experiment")]), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Puts every input of the run back into the store from the run folder's own copies; returns how many were missing.</summary>
    private static async Task<int> RestoreAssetsAsync(RunFolder folder, IArtifactStore store, CancellationToken cancellationToken)
    {
        var restored = 0;
        var assets = new List<ManifestFile>();
        folder.ReadFiles(f =>
        {
            if (f.Path.StartsWith("assets/", StringComparison.Ordinal))
            {
                assets.Add(f);
            }
        });
        foreach (var file in assets)
        {
            if (await store.ExistsAsync(file.Sha256, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var bytes = await File.ReadAllBytesAsync(Path.Combine(folder.Path, file.Path), cancellationToken).ConfigureAwait(false);
            if (Hashing.Sha256Hex(bytes) != file.Sha256)
            {
                throw new RunFailedException($"the run's copy of {file.Path} does not match its hash in the manifest; `discernus verify {folder.Path}` shows what changed");
            }

            await store.PutAsync(bytes, cancellationToken).ConfigureAwait(false);
            restored++;
        }

        return restored;
    }

    /// <summary>The stages of a run with a pre-test: PRE-TEST comes between RUN SETUP and BATCH ANALYSIS.</summary>
    private static List<ManifestStage> WithPretestStage(IReadOnlyList<ManifestStage> stages)
    {
        var list = stages.ToList();
        var at = list.FindIndex(s => s.Name == StageNames.BatchAnalysis);
        list.Insert(at < 0 ? list.Count : at, new ManifestStage { Name = StageNames.Pretest, Status = RunStatus.Pending });
        return list;
    }

    private ManifestExecution Execution(string kind)
    {
        using var process = Process.GetCurrentProcess();
        return new ManifestExecution
        {
            Kind = kind,
            OrchestratorId = options.OrchestratorId,
            Host = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            ProcessStartedAt = IsoTime.Format(process.StartTime.ToUniversalTime()),
            StartedAt = IsoTime.Format(time.GetUtcNow()),
        };
    }

    private ManifestModels ResolveModels(RunRequest request, Experiment experiment) =>
        ModelSelection.WithRuns(
            request.Options?.TryGetValue("models", out var names) == true && !string.IsNullOrWhiteSpace(names)
                ? ModelSelection.Resolve(names, experiment, environment) with { Source = request.Options.GetValueOrDefault("model_source") ?? "flag" }
                : ModelSelection.Resolve(request.Model, experiment, environment),
            request.Options)
        with
        {
            Cache = request.Options?.GetValueOrDefault(RunRequestOptions.Cache) is Models.CacheModes.Refresh ? Models.CacheModes.Refresh : Models.CacheModes.Use,
            Mode = RunPlanner.ModeOf(request.Options) == Models.BillingMode.Batch ? RunRequestOptions.BatchMode : "interactive",
        };

    /// <summary>Records a run that ends before it has a context (setup or adoption refused) in its folder, if any, and in Redis.</summary>
    private async Task<RunOutcome> MarkFailedAsync(RunRequest request, string error)
    {
        var manifestPath = Path.Combine(request.RunFolder, RunFolder.ManifestFileName);
        if (File.Exists(manifestPath))
        {
            try
            {
                var folder = new RunFolder(request.RunFolder, request.RunId);
                await folder.UpdateManifestAsync(m => RunStatus.IsFinal(m.Status) ? m : m with { Status = RunStatus.Failed, Error = error, FinishedAt = IsoTime.Format(time.GetUtcNow()) }).ConfigureAwait(false);
                new RunLog(folder, time).Error("orchestrator", Agent, error);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                logger.LogError("Run {RunId} failed ({Error}) and its manifest could not be updated: {Message}", request.RunId, error, ex.Message);
            }
        }

        await SetStateAsync(request.RunId, new Dictionary<string, string> { [RunStateFields.Status] = RunStatus.Failed, [RunStateFields.Error] = error }).ConfigureAwait(false);
        await EndStateAsync(request.RunId).ConfigureAwait(false);
        return new RunOutcome(request.RunId, RunStatus.Failed, File.Exists(manifestPath) ? request.RunFolder : null, error, null, null);
    }

    private async Task FinalizeAsync(RunContext run, string status, string? error)
    {
        await CloseRemoteCallsAsync(run).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var calls = registry.CountsOf(run.Folder.RunId);
        // After a cancel or a failure, tasks already started may still finish and log: sealing sends their lines to
        // logs/after_finalize.jsonl, so the logs hashed here stay as they are and verify keeps passing.
        run.Log.Seal();
        var logFiles = new List<ManifestFile>();
        if (Directory.Exists(run.Folder.LogsDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(run.Folder.LogsDirectory, "*.jsonl").Where(f => Path.GetFileName(f) != RunLog.AfterFinalizeFile + ".jsonl").Order(StringComparer.Ordinal))
            {
                logFiles.Add(new ManifestFile(run.Folder.Relative(file), await Hashing.Sha256FileAsync(file).ConfigureAwait(false), "log"));
            }
        }

        // The folder is the record: it is written first, so a Redis outage cannot leave it saying "running".
        await run.Folder.UpdateManifestAsync(m => m with
        {
            Status = status,
            Error = error,
            FinishedAt = IsoTime.Format(now),
            Stages = m.Stages.Select(s => s.Status is RunStatus.Running or RunStatus.Pending && (status is not (RunStatus.Completed or RunStatus.CompletedWithFailures) || s.Status == RunStatus.Pending)
                ? s with { Status = s.Status == RunStatus.Running ? status : "skipped", FinishedAt = s.Status == RunStatus.Running ? IsoTime.Format(now) : null }
                : s).ToList(),
            Failures = run.Failures.ToList(),
            Cost = Counted(run.Cost(m.Cost), calls),
            Outputs = run.Outputs,
        }, new ManifestFileChanges([.. run.OutputFiles(), .. logFiles], RemoveRole: "log", Replace: run.WrittenOutputPaths), CancellationToken.None).ConfigureAwait(false);

        await SetStateAsync(run.Folder.RunId, new Dictionary<string, string>
        {
            [RunStateFields.Status] = status,
            [RunStateFields.Error] = error ?? "",
        }).ConfigureAwait(false);
        await EndStateAsync(run.Folder.RunId).ConfigureAwait(false);
    }

    /// <summary>
    /// The call counts of a run: those its results carry (made by whichever process ran each task, remote workers
    /// included) or, when more, those this process counted (which also include the calls of tasks that failed and so
    /// have no result).
    /// </summary>
    private static ManifestCost Counted(ManifestCost fromResults, Models.ModelCallCounts here) => fromResults with
    {
        ProviderRequests = Math.Max(fromResults.ProviderRequests, here.ProviderRequests),
        CacheHits = Math.Max(fromResults.CacheHits, here.CacheHits),
        Retries = Math.Max(fromResults.Retries, here.Retries),
        Failures = Math.Max(fromResults.Failures, here.Failures),
        OfflineAnalyses = Math.Max(fromResults.OfflineAnalyses, here.OfflineAnalyses),
    };

    /// <summary>Once a run has ended its signals have no reader: they expire, and its state stays a while for `status`.</summary>
    private async Task EndStateAsync(string runId)
    {
        try
        {
            await resilience.ExecuteAsync(ct => states.ExpireAsync(runId, options.FinishedStateTtl, options.FinishedSignalsTtl, ct), $"expiring the keys of run {runId}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogError("The keys of run {RunId} could not be given an expiry: {Message}", runId, ex.Message);
        }
    }

    /// <summary>Run state is what `status` and other hosts read; a write that cannot reach Redis is logged, never fatal to the run's own record.</summary>
    private async Task SetStateAsync(string runId, IReadOnlyDictionary<string, string> fields)
    {
        try
        {
            await resilience.ExecuteAsync(ct => states.SetAsync(runId, fields, ct), $"recording the state of run {runId}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogError("The state of run {RunId} could not be recorded in Redis: {Message}", runId, ex.Message);
        }
    }
}
