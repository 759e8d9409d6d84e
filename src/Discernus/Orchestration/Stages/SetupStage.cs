using System.Text.Json;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// VALIDATION and RUN SETUP of a new run: the experiment its submitter validated is taken by hash and its files
/// re-checked against what was validated (nothing is written to disk when that fails), its documents taken from the
/// store, its models resolved, and the run folder set up with its plan and validity.
/// </summary>
internal sealed class SetupStage(RunStateWriter state, RunFinalizer finalizer, DiscernusSettings settings, OrchestratorOptions options, TimeProvider time)
{
    private const string Agent = nameof(Orchestrator);

    /// <summary>An experiment that passed VALIDATION, with its documents' readings and the run's models.</summary>
    private sealed record Validated(ValidationReport Report, IReadOnlyList<DocumentReading> Readings, IReadOnlyDictionary<string, byte[]> Files, ManifestModels Models, DateTimeOffset StartedAt, long Timer);

    /// <summary>The validated experiment as the submitter passed it on, its files re-checked and their bytes kept for RUN SETUP.</summary>
    private sealed record Taken(ValidationReport Report, IReadOnlyList<DocumentReading> Readings, IReadOnlyDictionary<string, byte[]> Files);

    public async Task<PreparedRun> PrepareAsync(RunRequest request, IArtifactStore store, CancellationToken cancellationToken)
    {
        // A submitter in this process (`discernus run`) held the validated corpus and the readings, an entry or two per
        // document, and they are garbage now; this stage reads both again from the store. Without a collection first
        // the two stacked: a million documents peaked at 1.13 GB here (docs/benchmarks.md).
        StageMemory.ReleaseForLargeHeap();
        var (validated, refused) = await ValidateAsync(request, store, cancellationToken).ConfigureAwait(false);
        return validated is null ? new PreparedRun(null, refused) : await SetUpAsync(request, store, validated, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// VALIDATION, done once by the submitter: the experiment is the one it validated (taken from the store by the
    /// request's hash, not read and validated again), its specification files are checked against the hashes of what
    /// was validated, and its documents are the readings the submitter stored. Nothing is written to disk when it fails.
    /// </summary>
    private async Task<(Validated? Validated, RunOutcome? Refused)> ValidateAsync(RunRequest request, IArtifactStore store, CancellationToken cancellationToken)
    {
        var runId = request.RunId;
        using var validationSpan = Telemetry.DiscernusActivities.StartStage(runId, StageNames.Validation);
        var validationStarted = time.GetUtcNow();
        var validationTimer = time.GetTimestamp();
        Taken? taken;
        IReadOnlyList<string> problems;
        try
        {
            (taken, problems) = await TakeValidatedAsync(request, store, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArtifactCorruptedException or OperationCanceledException)
        {
            var status = ex is OperationCanceledException ? RunStatus.Cancelled : RunStatus.Failed;
            var error = $"validation failed: the validated experiment could not be read from the artifact store {store.Description}: {ex.Message}";
            Telemetry.DiscernusActivities.Fail(validationSpan, error);
            await state.SetAsync(runId, new Dictionary<string, string> { [RunStateFields.Status] = status, [RunStateFields.Error] = error }).ConfigureAwait(false);
            return (null, new RunOutcome(runId, status, null, error, null, null));
        }

        var models = taken is null ? null : ResolveModels(request, taken.Report.Experiment!);
        if (models is not null)
        {
            problems = ModelSelection.Preflight(models.Names, settings.Models);
        }

        if (problems.Count > 0)
        {
            var error = $"validation failed: {string.Join("; ", problems)}";
            Telemetry.DiscernusActivities.Fail(validationSpan, error);
            await state.SetAsync(runId, new Dictionary<string, string> { [RunStateFields.Status] = RunStatus.Failed, [RunStateFields.Error] = error }).ConfigureAwait(false);
            return (null, new RunOutcome(runId, RunStatus.Failed, null, error, null, null));
        }

        return (new Validated(taken!.Report, taken.Readings, taken.Files, models!, validationStarted, validationTimer), null);
    }

    /// <summary>The experiment its submitter validated, re-checked by hash, with its documents' readings; or why the run cannot take it.</summary>
    private static async Task<(Taken? Taken, IReadOnlyList<string> Problems)> TakeValidatedAsync(
        RunRequest request, IArtifactStore store, CancellationToken cancellationToken)
    {
        if (request.Validation is not { } hash)
        {
            return (null, [$"the request for run {request.RunId} carries no validated experiment; start runs with `discernus run` or `discernus serve`, which validate the experiment before submitting it"]);
        }

        if (await ValidatedExperiment.LoadAsync(hash, store, cancellationToken).ConfigureAwait(false) is not { } validated)
        {
            return (null, [$"the validated experiment {hash} is not in the artifact store {store.Description}; start the run again"]);
        }

        var (report, files) = await ValidatedExperiment.RecheckAsync(validated, cancellationToken).ConfigureAwait(false);
        if (report.Experiment is not { } experiment)
        {
            return (null, [.. report.Blocking.Select(f => f.ToLine())]);
        }

        var readingsHash = request.Options?.GetValueOrDefault(RunRequestOptions.DocumentReadings);
        var readings = readingsHash is null ? null : await DocumentIntake.LoadAsync(readingsHash, experiment, store, cancellationToken).ConfigureAwait(false);
        return readings is null
            ? (null, [$"the documents' readings {readingsHash ?? "(none)"} of the validated experiment are not in the artifact store {store.Description}; start the run again"])
            : (new Taken(report, readings, files), []);
    }

    /// <summary>RUN SETUP: the run folder with its inputs, plan and validity.</summary>
    private async Task<PreparedRun> SetUpAsync(RunRequest request, IArtifactStore store, Validated validated, CancellationToken cancellationToken)
    {
        var runId = request.RunId;
        var (report, models) = (validated.Report, validated.Models);
        using var setupSpan = Telemetry.DiscernusActivities.StartStage(runId, StageNames.RunSetup);
        await state.SetAsync(runId, new Dictionary<string, string> { [RunStateFields.Stage] = StageNames.RunSetup }).ConfigureAwait(false);
        RunFolder folder;
        RunLog log;
        try
        {
            (folder, log) = await new RunSetup(store, time).SetUpAsync(new RunSetupRequest
            {
                Validation = report,
                Prompts = PromptLibrary.All(),
                Models = models,
                SoftwareVersion = PromptLibrary.SoftwareVersion,
                RunId = runId,
                ValidationStartedAt = validated.StartedAt,
                ValidationDuration = time.GetElapsedTime(validated.Timer),
                Documents = validated.Readings,
                SpecificationFiles = validated.Files,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or OperationCanceledException or ArgumentException)
        {
            var status = ex is OperationCanceledException ? RunStatus.Cancelled : RunStatus.Failed;
            await state.SetAsync(runId, new Dictionary<string, string> { [RunStateFields.Status] = status, [RunStateFields.Error] = ex.Message }).ConfigureAwait(false);
            return new PreparedRun(null, new RunOutcome(runId, status, null, $"run setup failed: {ex.Message}", null, null));
        }

        ManifestPlan? plan;
        ManifestValidity validity;
        try
        {
            plan = RunPlanReader.PlanOf(request);
            validity = RunPlanReader.ValidityOf(report.Experiment!, request);
        }
        catch (Exception ex) when (ex is RunFailedException or IOException or JsonException or InvalidDataException or UnauthorizedAccessException)
        {
            log.Error("orchestrator", Agent, ex.Message);
            return new PreparedRun(null, await finalizer.MarkFailedAsync(request, ex.Message).ConfigureAwait(false));
        }

        return new PreparedRun(await StartAsync(folder, log, report.Experiment!, models, store, plan, validity).ConfigureAwait(false), null);
    }

    private async Task<RunContext> StartAsync(RunFolder folder, RunLog log, Experiment experiment, ManifestModels models, IArtifactStore store, ManifestPlan? plan, ManifestValidity validity)
    {
        await folder.UpdateManifestAsync(m => m with
        {
            Status = RunStatus.Running,
            ArtifactStore = store.Identity,
            Plan = plan,
            Validity = validity,
            Stages = plan?.Pretest is null ? m.Stages : WithPretestStage(m.Stages),
            Executions = [.. m.Executions, ExecutionRecord.Of("started", options.OrchestratorId, time)],
        }, CancellationToken.None).ConfigureAwait(false);
        var run = new RunContext(folder, log, experiment, models, time);
        log.Info("orchestrator", Agent, $"run started: {models.Names.Count} model(s) × {models.RunsPerModel} run(s) × {run.Manifest.Corpus?.DocumentCount ?? 0} document(s)",
            new Dictionary<string, object?> { ["models"] = models.Names, ["offline_baseline"] = models.OfflineBaseline, ["orchestrator"] = options.OrchestratorId });
        return run;
    }

    /// <summary>The stages of a run with a pre-test: PRE-TEST comes between RUN SETUP and BATCH ANALYSIS.</summary>
    private static List<ManifestStage> WithPretestStage(IReadOnlyList<ManifestStage> stages)
    {
        var list = stages.ToList();
        var at = list.FindIndex(s => s.Name == StageNames.BatchAnalysis);
        list.Insert(at < 0 ? list.Count : at, new ManifestStage { Name = StageNames.Pretest, Status = RunStatus.Pending });
        return list;
    }

    private ManifestModels ResolveModels(RunRequest request, Experiment experiment) =>
        ModelSelection.WithRuns(
            request.Options?.TryGetValue("models", out var names) == true && !string.IsNullOrWhiteSpace(names)
                ? ModelSelection.Resolve(names, experiment, settings) with { Source = request.Options.GetValueOrDefault("model_source") ?? "flag" }
                : ModelSelection.Resolve(request.Model, experiment, settings),
            request.Options)
        with
        {
            Cache = request.Options?.GetValueOrDefault(RunRequestOptions.Cache) is Models.CacheModes.Refresh ? Models.CacheModes.Refresh : Models.CacheModes.Use,
            Mode = RunPlanner.ModeOf(request.Options) == Models.BillingMode.Batch ? RunRequestOptions.BatchMode : "interactive",
        };
}
