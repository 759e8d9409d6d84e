using System.Globalization;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration;

/// <summary>
/// The only component that knows the stage order: VALIDATION → RUN SETUP → BATCH ANALYSIS → SYNTHESIS → REPORT.
/// For each stage it stores the task contracts, pushes the task ids, and waits for their completion signals with a
/// stall timeout; it records every stage's status, timing and counts in the manifest and in run:{id}:state.
/// </summary>
internal sealed partial class Orchestrator(
    ITaskQueue runRequests,
    ITaskQueue tasks,
    RedisConnections connections,
    RedisKeys keys,
    RunStateStore states,
    OrphanRecovery orphans,
    IArtifactStore store,
    RunRegistry registry,
    OrchestratorOptions options,
    ExperimentLimits limits,
    IReadOnlyDictionary<string, string?> environment,
    TimeProvider time,
    ILogger logger)
{
    private const string Agent = nameof(Orchestrator);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _active = new(StringComparer.Ordinal);

    /// <summary>Runs this Orchestrator is executing now (any `discernus run` on the same Redis may have submitted them).</summary>
    public IReadOnlyCollection<string> ActiveRuns => _active.Keys.ToList();

    /// <summary>Takes run requests from <c>orchestrator.tasks</c> until stopped; runs already taken are finished.</summary>
    public async Task RunLoopAsync(CancellationToken stoppingToken, CancellationToken abortToken)
    {
        var running = new List<Task>();
        await runRequests.RecoverAsync(options.OrchestratorId, stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            IClaimedTask? claimed;
            try
            {
                claimed = await runRequests.ClaimAsync(options.OrchestratorId, TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            if (claimed is null)
            {
                continue;
            }

            running.RemoveAll(t => t.IsCompleted);
            running.Add(HandleRequestAsync(claimed, abortToken));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task HandleRequestAsync(IClaimedTask claimed, CancellationToken cancellationToken)
    {
        await using (claimed)
        {
            var read = TaskContractReader.ReadRunRequest(claimed.ContractJson);
            if (read.Contract is not { } request)
            {
                await claimed.DeadLetterAsync($"invalid run request: {read.Error}", CancellationToken.None).ConfigureAwait(false);
                return;
            }

            await claimed.AckWithoutSignalAsync(CancellationToken.None).ConfigureAwait(false);
            _active[request.RunId] = 0;
            try
            {
                await ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogError("run {RunId} ended with an unexpected error: {Message}", request.RunId, ex.Message);
            }
            finally
            {
                _active.TryRemove(request.RunId, out _);
            }
        }
    }

    public async Task<RunOutcome> ExecuteAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var runId = request.RunId;
        if (File.Exists(Path.Combine(request.RunFolder, RunFolder.ManifestFileName)))
        {
            // At-least-once delivery handed us a run that is (or was) already executing: it is not ours to touch.
            logger.LogWarning("run request {RunId} delivered again; its run folder exists, so it is ignored", runId);
            return new RunOutcome(runId, RunStatus.Failed, request.RunFolder, "duplicate run request ignored", null, null);
        }

        await states.SetAsync(runId, new Dictionary<string, string>
        {
            [RunStateFields.Status] = RunStatus.Running,
            [RunStateFields.Stage] = StageNames.Validation,
            ["run_folder"] = request.RunFolder,
            ["experiment_path"] = request.ExperimentPath,
            ["orchestrator"] = options.OrchestratorId,
        }, CancellationToken.None).ConfigureAwait(false);

        // VALIDATION: nothing is written to disk when it fails.
        var validationStarted = time.GetUtcNow();
        var validationTimer = time.GetTimestamp();
        var report = ExperimentValidator.Validate(request.ExperimentPath, limits, cancellationToken);
        var models = report.Experiment is { } exp ? ResolveModels(request, exp) : null;
        var problems = report.IsValid
            ? ModelSelection.Preflight(models!.Names, environment)
            : report.Blocking.Select(f => $"{f.Location}: {f.Message} (fix: {f.Fix})").ToList();
        if (problems.Count > 0)
        {
            var error = $"validation failed: {string.Join("; ", problems)}";
            await states.SetStatusAsync(runId, RunStatus.Failed, error, CancellationToken.None).ConfigureAwait(false);
            return new RunOutcome(runId, RunStatus.Failed, null, error, null, null);
        }

        // RUN SETUP
        await states.SetStageAsync(runId, StageNames.RunSetup, CancellationToken.None).ConfigureAwait(false);
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
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or OperationCanceledException)
        {
            var status = ex is OperationCanceledException ? RunStatus.Cancelled : RunStatus.Failed;
            await states.SetStatusAsync(runId, status, ex.Message, CancellationToken.None).ConfigureAwait(false);
            return new RunOutcome(runId, status, null, $"run setup failed: {ex.Message}", null, null);
        }

        registry.Register(log);
        var run = new RunContext(folder, log, report.Experiment!, models!, time);
        try
        {
            log.Info("orchestrator", Agent, $"run started: {models!.Names.Count} model(s) × {models.RunsPerModel} run(s) × {run.Manifest.Documents.Count} document(s)",
                new Dictionary<string, object?> { ["models"] = models.Names, ["offline_baseline"] = models.OfflineBaseline });
            await folder.UpdateManifestAsync(m => m with { Status = RunStatus.Running }, CancellationToken.None).ConfigureAwait(false);

            var analyses = await BatchAnalysisAsync(run, cancellationToken).ConfigureAwait(false);
            var synthesis = await SynthesisAsync(run, analyses, cancellationToken).ConfigureAwait(false);
            var reportResult = await ReportAsync(run, synthesis, cancellationToken).ConfigureAwait(false);

            var finalStatus = run.Failures.Count > 0 ? RunStatus.CompletedWithFailures : RunStatus.Completed;
            log.Info("orchestrator", Agent, $"run {finalStatus}: {analyses.Count} analyses, {run.Failures.Count} failed",
                new Dictionary<string, object?> { ["report"] = reportResult.Markdown });
            await FinalizeAsync(run, finalStatus, null).ConfigureAwait(false);
            return new RunOutcome(runId, finalStatus, folder.Path, run.Failures.Count > 0 ? $"{run.Failures.Count} task(s) failed" : null,
                Path.Combine(folder.Path, reportResult.Markdown), Path.Combine(folder.Path, reportResult.Html));
        }
        catch (OperationCanceledException)
        {
            await states.RequestCancelAsync(runId, CancellationToken.None).ConfigureAwait(false);
            log.Warning("orchestrator", Agent, "run cancelled");
            await FinalizeAsync(run, RunStatus.Cancelled, "the run was cancelled").ConfigureAwait(false);
            return new RunOutcome(runId, RunStatus.Cancelled, folder.Path, "the run was cancelled", null, null);
        }
        catch (Exception ex) when (ex is RunFailedException or CoordinationFaultException or IOException or JsonException or ArtifactCorruptedException)
        {
            log.Error("orchestrator", Agent, $"run failed: {ex.Message}");
            await FinalizeAsync(run, RunStatus.Failed, ex.Message).ConfigureAwait(false);
            return new RunOutcome(runId, RunStatus.Failed, folder.Path, ex.Message, null, null);
        }
        finally
        {
            registry.Unregister(runId);
        }
    }

    private ManifestModels ResolveModels(RunRequest request, Experiment experiment) => ModelSelection.WithRuns(
        request.Options?.TryGetValue("models", out var names) == true && !string.IsNullOrWhiteSpace(names)
            ? ModelSelection.Resolve(names, experiment, environment) with { Source = request.Options.GetValueOrDefault("model_source") ?? "flag" }
            : ModelSelection.Resolve(request.Model, experiment, environment),
        request.Options);

    private async Task FinalizeAsync(RunContext run, string status, string? error)
    {
        var now = time.GetUtcNow();
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

        await run.Folder.UpdateManifestAsync(m => m with
        {
            Status = status,
            Error = error,
            FinishedAt = IsoTime.Format(now),
            Stages = m.Stages.Select(s => s.Status is RunStatus.Running or RunStatus.Pending && status != RunStatus.Completed && status != RunStatus.CompletedWithFailures
                ? s with { Status = s.Status == RunStatus.Running ? status : "skipped", FinishedAt = s.Status == RunStatus.Running ? IsoTime.Format(now) : null }
                : s).ToList(),
            Failures = run.Failures.ToList(),
            Cost = run.Cost(m.Cost),
            Outputs = run.Outputs,
            Files = m.Files.Concat(run.OutputFiles).Concat(logFiles).DistinctBy(f => f.Path).ToList(),
        }, CancellationToken.None).ConfigureAwait(false);
        if (status is RunStatus.Failed or RunStatus.Cancelled)
        {
            // Tasks still queued for this run are acknowledged as cancelled by workers instead of being worked on.
            await states.RequestCancelAsync(run.Folder.RunId, CancellationToken.None).ConfigureAwait(false);
        }

        await states.SetStatusAsync(run.Folder.RunId, status, error, CancellationToken.None).ConfigureAwait(false);
        await states.ExpireAsync(run.Folder.RunId, options.FinishedStateTtl, CancellationToken.None).ConfigureAwait(false);
        // Late completion signals of this run have no reader any more: let them expire with the state.
        await connections.Database.KeyExpireAsync(keys.RunDone(run.Folder.RunId), options.FinishedStateTtl).ConfigureAwait(false);
    }
}
