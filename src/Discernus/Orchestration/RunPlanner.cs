using System.Globalization;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Provenance;

namespace Discernus.Orchestration;

/// <summary>
/// What the CLI's <c>run</c> and the browser's "start a run" share before anything is submitted: the model checks
/// (key, base URL), the cost estimate and the budget rule, and the run request itself. One place, so both front ends
/// refuse the same runs with the same words.
/// </summary>
internal static class RunPlanner
{
    /// <summary>
    /// The one read of the documents of an experiment validated without them
    /// (<see cref="ExperimentValidator.Validate"/> with <c>readDocuments: false</c>): each is checked, stored in
    /// <paramref name="store"/> and its tokens counted for <paramref name="models"/> in the same pass. Returns the
    /// completed report, the counted tokens, and the options that pass the readings on to run setup (none when the
    /// report is not valid).
    /// </summary>
    public static async Task<DocumentPass> ReadDocumentsAsync(
        ValidationReport report, IReadOnlyList<string> models, IArtifactStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var experiment = report.Experiment ?? throw new ArgumentException("the report holds no valid experiment", nameof(report));
        var tokens = new CorpusTokens(models);
        var (findings, readings) = await DocumentIntake.ReadAsync(experiment, store, tokens.Observe, cancellationToken).ConfigureAwait(false);
        return new DocumentPass(ExperimentValidator.WithDocumentFindings(report, findings), tokens, readings);
    }

    /// <summary>
    /// What passes the one validation and the one read of the documents on to the Orchestrator's run setup, both
    /// stored as artifacts: the hash of the valid report (<see cref="RunRequest.Validation"/>) and the request options
    /// naming the readings.
    /// </summary>
    public static async Task<(string Validation, IReadOnlyDictionary<string, string> Options)> PassOnAsync(DocumentPass documents, IArtifactStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var validation = await ValidatedExperiment.SaveAsync(documents.Report, store, cancellationToken).ConfigureAwait(false);
        var readings = await DocumentIntake.SaveAsync(documents.Readings, store, cancellationToken).ConfigureAwait(false);
        return (validation, new Dictionary<string, string> { [RunRequestOptions.DocumentReadings] = readings });
    }

    /// <param name="runOptions">Extra request options (e.g. the cache mode); the models and runs per model are added here.</param>
    /// <param name="tokens">The documents' tokens from their one read; null reads them again to estimate.</param>
    public static RunPlan Plan(
        Experiment experiment, ManifestModels models, DiscernusSettings settings, TimeProvider time,
        IReadOnlyDictionary<string, string>? runOptions = null, CorpusTokens? tokens = null)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(models);
        var problems = ModelSelection.Preflight(models.Names, settings.Models);
        if (problems.Count > 0)
        {
            return new RunPlan { Models = models, PreflightProblems = problems };
        }

        // Batch mode: `run --batch` (a request option) or `mode: batch` in the experiment; the same rule for every front end.
        if (experiment.Mode == RunRequestOptions.BatchMode && ModeOf(runOptions) != Models.BillingMode.Batch)
        {
            runOptions = new Dictionary<string, string>(runOptions ?? new Dictionary<string, string>()) { [RunRequestOptions.Mode] = RunRequestOptions.BatchMode };
        }

        if (ModeOf(runOptions) == Models.BillingMode.Batch)
        {
            try
            {
                _ = settings.Batches;
            }
            catch (Configuration.SettingException ex)
            {
                return new RunPlan { Models = models, PreflightProblems = [ex.Message] };
            }
        }

        var (estimate, budgetProblem) = EstimateAgainstBudget(experiment, models, runOptions, tokens);
        if (budgetProblem is null && RunFolderAllocator.WritableProblem(experiment.Directory) is { } unwritable)
        {
            return new RunPlan { Models = models, Estimate = estimate, RunsFolderProblem = unwritable };
        }

        var runId = RunFolderAllocator.NewRunId(time);
        var request = new RunRequest
        {
            RunId = runId,
            ExperimentPath = experiment.Directory,
            RunFolder = Path.Combine(experiment.Directory, "runs", runId),
            Model = models.Source == "flag" ? string.Join(",", models.Names) : null,
            Options = new Dictionary<string, string>(runOptions ?? new Dictionary<string, string>())
            {
                ["models"] = string.Join(",", models.Names),
                ["model_source"] = models.Source,
                [ModelSelection.RunsOption] = models.RunsPerModel.ToString(CultureInfo.InvariantCulture),
            },
            RequestedAt = IsoTime.Format(time.GetUtcNow()),
        };
        return new RunPlan { Models = models, Estimate = estimate, BudgetProblem = budgetProblem, Request = request };
    }

    /// <summary>The run's estimated cost, and why it cannot run when the estimate is over the experiment's budget.</summary>
    private static (CostEstimate? Estimate, string? BudgetProblem) EstimateAgainstBudget(
        Experiment experiment, ManifestModels models, IReadOnlyDictionary<string, string>? runOptions, CorpusTokens? tokens)
    {
        CostEstimate? estimate = null;
        string? budgetProblem = null;
        if (!models.OfflineBaseline)
        {
            estimate = tokens is null
                ? CostEstimator.Estimate(experiment with { RunsPerModel = models.RunsPerModel }, models.Names)
                : CostEstimator.Estimate(experiment with { RunsPerModel = models.RunsPerModel }, models.Names, tokens);
            // The budget rule compares the estimate of the mode the run will use (batch: the batch price).
            var mode = ModeOf(runOptions);
            var planned = estimate.UsdFor(mode);
            if (estimate.UnpricedModels.Count == 0 && experiment.MaxCostUsd is { } budget && (planned is null || planned > budget))
            {
                budgetProblem = planned is null
                    ? $"budget.max_cost_usd (${budget.ToString(CultureInfo.InvariantCulture)}) in {Path.GetFileName(experiment.ExperimentFilePath)} cannot be checked: a model has no batch price. Run without --batch, or add its batch price. Nothing was run."
                    : $"the estimated {(mode == Models.BillingMode.Batch ? "batch " : "")}cost ({Usd(planned.Value)}) exceeds budget.max_cost_usd (${budget.ToString(CultureInfo.InvariantCulture)}) in {Path.GetFileName(experiment.ExperimentFilePath)}. Raise the budget, use fewer documents or runs, or choose a cheaper model. Nothing was run.";
            }
        }

        return (estimate, budgetProblem);
    }

    /// <summary>The billing mode a request's options ask for (<c>mode=batch</c>: the provider's batch API).</summary>
    public static Models.BillingMode ModeOf(IReadOnlyDictionary<string, string>? runOptions) =>
        runOptions?.GetValueOrDefault(RunRequestOptions.Mode) == RunRequestOptions.BatchMode ? Models.BillingMode.Batch : Models.BillingMode.Interactive;

    /// <summary>Money as every front end prints it: four decimals below a dollar, two above.</summary>
    public static string Usd(decimal usd) => "$" + usd.ToString(usd < 1 ? "F4" : "F2", CultureInfo.InvariantCulture);

}

/// <summary>What <see cref="RunPlanner.ReadDocumentsAsync"/> leaves: the report with the documents' findings, their tokens, and their readings.</summary>
internal sealed record DocumentPass(ValidationReport Report, CorpusTokens Tokens, IReadOnlyList<DocumentReading> Readings);

/// <summary>The outcome of <see cref="RunPlanner.Plan"/>: a request ready to submit, or the reasons it must not be.</summary>
internal sealed record RunPlan
{
    public required ManifestModels Models { get; init; }

    /// <summary>One problem per model that cannot be called (unknown provider, missing key or base URL).</summary>
    public IReadOnlyList<string> PreflightProblems { get; init; } = [];

    /// <summary>The estimate for hosted models; null for offline baselines (they cost nothing) or when preflight failed.</summary>
    public CostEstimate? Estimate { get; init; }

    /// <summary>Set when the estimate exceeds <c>budget.max_cost_usd</c>: the run must not start.</summary>
    public string? BudgetProblem { get; init; }

    /// <summary>Set when no run folder can be written: an environment problem, not the experiment's.</summary>
    public string? RunsFolderProblem { get; init; }

    /// <summary>Null when <see cref="PreflightProblems"/> is not empty or <see cref="RunsFolderProblem"/> is set.</summary>
    public RunRequest? Request { get; init; }

    public bool CanStart => PreflightProblems.Count == 0 && BudgetProblem is null && RunsFolderProblem is null && Request is not null;
}
