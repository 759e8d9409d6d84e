using System.Globalization;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>What a person asks to run: the experiment, its models (--model, or several with --models), runs per model and the other choices.</summary>
public sealed record RunOrder(string ExperimentPath)
{
    public string? Model { get; init; }

    /// <summary>Several models, comma-separated (`--models`); naming both this and <see cref="Model"/> is refused.</summary>
    public string? ModelList { get; init; }

    public int? Runs { get; init; }

    public RunChoices Choices { get; init; } = new();

    /// <summary>With `--from`: the run folder whose stages are reused, as typed; null takes the latest that finished them.</summary>
    public string? Source { get; init; }
}

/// <summary>Why a run was not started; each front end says it its own way (an exit code, a page of problems).</summary>
public enum LaunchRefusal
{
    None,

    /// <summary>The experiment is not valid (<see cref="PreparedRun.Report"/> has the findings).</summary>
    Invalid,

    /// <summary>Choices that do not go together.</summary>
    Usage,

    /// <summary>The run named with --source is not there.</summary>
    SourceMissing,

    /// <summary>A model name that cannot be read, or a model that cannot be called.</summary>
    ModelsUnusable,

    /// <summary>No run folder can be written: an environment problem, not the experiment's.</summary>
    RunsFolder,

    /// <summary>The estimate exceeds budget.max_cost_usd.</summary>
    OverBudget,
}

/// <summary>
/// A run validated, read, estimated and planned but not yet submitted, or why it cannot start; with what the person is
/// told before it starts. It keeps no corpus: the run reads its documents from its store.
/// </summary>
public sealed record PreparedRun
{
    public LaunchRefusal Refusal { get; init; }

    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>The validation report when the experiment is not valid.</summary>
    public ValidationReport? Report { get; init; }

    public string RunId { get; init; } = "";

    public string ExperimentName { get; init; } = "";

    public string FrameworkName { get; init; } = "";

    public int Documents { get; init; }

    public IReadOnlyList<string> Models { get; init; } = [];

    public string ModelSource { get; init; } = "";

    public int RunsPerModel { get; init; }

    /// <summary>Only offline models (lexicon, minilm): nothing to estimate, nothing billed.</summary>
    public bool OfflineBaseline { get; init; }

    public bool Batch { get; init; }

    /// <summary>With --from: the stage the run starts at (its title) and the run whose earlier stages it takes.</summary>
    public (string Stage, string SourceRun)? Reuses { get; init; }

    public EstimateView? Estimate { get; init; }

    /// <summary>The pre-test the run starts with: "N of M document(s) first …", or null.</summary>
    public string? Pretest { get; init; }

    /// <summary>`--dry-run`: the run folder set up (no model called) and what it holds.</summary>
    public DryRun? DryRun { get; init; }

    public bool CanStart => Refusal == LaunchRefusal.None && Request is not null;

    internal RunRequest? Request { get; init; }

    internal ArtifactStoreOptions? Store { get; init; }

    /// <summary>Each problem as one line, the experiment's findings with their fixes.</summary>
    public IReadOnlyList<string> ProblemLines() => Refusal == LaunchRefusal.Invalid && Report is { } report
        ? [.. report.Blocking.Select(f => f.ToLine())]
        : Problems;
}

/// <summary>What `run --dry-run` set up.</summary>
public sealed record DryRun(string Folder, string RunId, string Status, int Documents, int Prompts, int Files, string StoreDescription);

/// <summary>
/// The one start sequence of a run, for `discernus run` and `discernus serve`: validate, choose the models, check the
/// choices (--from finds the run it reuses), read each document once (checked, stored, tokens counted), then plan
/// (model checks, estimate, budget, the run folder) or, for a dry run, set the run folder up.
/// </summary>
public static class RunLauncher
{
    public static async Task<PreparedRun> PrepareAsync(RunOrder order, WorkspaceOptions options, CancellationToken cancellationToken)
    {
        var (chosen, refused) = Choose(order, options, cancellationToken);
        if (chosen is null)
        {
            return refused!;
        }

        var (experiment, models, runOptions) = (chosen.Experiment, chosen.Models, chosen.RunOptions);
        // Each document is read, checked, hashed, stored and its tokens counted here, once; run setup takes it from the
        // store by the hashes passed on.
        var storeOptions = options.Settings.StoreFor(experiment.Directory);
        var store = await ArtifactStoreFactory.CreateAsync(storeOptions, options.TimeProvider, cancellationToken: cancellationToken);
        var documents = await RunPlanner.ReadDocumentsAsync(chosen.Report, models.Names, store, cancellationToken);
        if (!documents.Report.IsValid)
        {
            return new PreparedRun { Refusal = LaunchRefusal.Invalid, Report = documents.Report };
        }

        var announced = Announced(experiment, models, runOptions);
        if (order.Choices.DryRun)
        {
            var (folder, manifest) = await RunOptionRules.DryRunAsync(documents.Report, models, store, documents.Readings, options.TimeProvider, cancellationToken);
            return announced with
            {
                RunId = manifest.RunId,
                Estimate = EstimateView.Of(experiment, models.Names, CostEstimator.Estimate(experiment, models.Names, documents.Tokens), Models.BillingMode.Interactive),
                DryRun = new DryRun(folder, manifest.RunId, manifest.Status, manifest.Documents.Count, manifest.Prompts.Count, manifest.Files.Count, store.Description),
            };
        }

        // The Orchestrator takes the experiment validated here and re-checks only its files' hashes.
        var (validation, passedOn) = await RunPlanner.PassOnAsync(documents, store, cancellationToken);
        foreach (var (key, value) in passedOn)
        {
            runOptions[key] = value;
        }

        return Planned(announced, chosen, options, documents.Tokens, validation, storeOptions);
    }

    /// <summary>What was chosen before any document is read: the valid experiment, its models and the run options.</summary>
    private sealed record Chosen(ValidationReport Report, Experiment Experiment, ManifestModels Models, Dictionary<string, string> RunOptions);

    /// <summary>Validation, the models (a --from run's, when it reuses one) and the run options; or why the run cannot start.</summary>
    private static (Chosen? Chosen, PreparedRun? Refused) Choose(RunOrder order, WorkspaceOptions options, CancellationToken cancellationToken)
    {
        // The documents' content is read once, later, into the run's store with their tokens counted.
        var report = ExperimentService.Validate(order.ExperimentPath, options, readDocuments: false, cancellationToken);
        if (!report.IsValid)
        {
            return (null, new PreparedRun { Refusal = LaunchRefusal.Invalid, Report = report });
        }

        if (order.Model is not null && order.ModelList is not null)
        {
            return (null, Refused(LaunchRefusal.Usage, "use either --model or --models, not both (--models a,b,c names several)."));
        }

        var experiment = report.Experiment!;
        var models = ModelSelection.Resolve(order.ModelList ?? order.Model, experiment, options.Settings);
        models = order.Runs is { } runs ? models with { RunsPerModel = runs } : models;
        var (runOptions, problem) = RunOptionRules.OptionsFor(order.Choices, experiment);
        if (problem is not null)
        {
            return (null, Refused(LaunchRefusal.Usage, problem));
        }

        if (order.Choices.From is { } first)
        {
            var (reused, refusal) = ReusedModels(runOptions, first, order.Source, experiment);
            if (reused is null)
            {
                return (null, refusal);
            }

            models = reused;
        }

        if (models.Names.Select(ModelNameCheck.Problem).OfType<string>().ToList() is { Count: > 0 } badNames)
        {
            return (null, new PreparedRun { Refusal = LaunchRefusal.ModelsUnusable, Problems = badNames });
        }

        return (new Chosen(report, experiment, models, runOptions), null);
    }

    /// <summary>The plan: model checks, the run folder, the estimate and the budget rule, and the request that starts the run.</summary>
    private static PreparedRun Planned(PreparedRun announced, Chosen chosen, WorkspaceOptions options, CorpusTokens tokens, string validation, ArtifactStoreOptions storeOptions)
    {
        var plan = RunPlanner.Plan(chosen.Experiment, chosen.Models, options.Settings, options.TimeProvider, chosen.RunOptions, tokens);
        if (plan.PreflightProblems.Count > 0)
        {
            return announced with { Refusal = LaunchRefusal.ModelsUnusable, Problems = plan.PreflightProblems };
        }

        if (plan.RunsFolderProblem is { } unwritable)
        {
            return announced with { Refusal = LaunchRefusal.RunsFolder, Problems = [unwritable] };
        }

        var mode = RunPlanner.ModeOf(plan.Request!.Options);
        return announced with
        {
            // A run that starts at --from analyses nothing: the budget of a whole run does not apply to it.
            Refusal = plan.BudgetProblem is null || announced.Reuses is not null ? LaunchRefusal.None : LaunchRefusal.OverBudget,
            Problems = plan.BudgetProblem is { } budget && announced.Reuses is null ? [budget] : [],
            RunId = plan.Request.RunId,
            Batch = mode == Models.BillingMode.Batch,
            Estimate = plan.Estimate is { } estimate ? EstimateView.Of(chosen.Experiment, chosen.Models.Names, estimate, mode) : null,
            Request = plan.Request with { Validation = validation },
            Store = storeOptions,
        };
    }

    /// <summary>`run --resume`: the run folder checked (<see cref="RunRules.CheckResume"/>) and, when it may be resumed, the run that continues it in place.</summary>
    public static (ResumeCheck Check, PreparedRun? Run) PrepareResume(string runFolder, WorkspaceOptions options)
    {
        var check = RunRules.CheckResume(runFolder, options.TimeProvider);
        if (check.Refusal != ResumeRefusal.None)
        {
            return (check, null);
        }

        var manifest = check.Manifest!;
        return (check, new PreparedRun
        {
            RunId = manifest.RunId,
            ExperimentName = manifest.Experiment.Name,
            Request = RunRules.ResumeRequest(check, options.TimeProvider),
            Store = options.Settings.StoreFor(manifest.Experiment.Path),
        });
    }

    /// <summary>`estimate`: the models' calls, tokens and cost for the experiment, every document read once to count its tokens; no model is called.</summary>
    public static PreparedRun Estimate(string experimentPath, string? model, WorkspaceOptions options, CancellationToken cancellationToken)
    {
        var report = ExperimentService.Validate(experimentPath, options, readDocuments: false, cancellationToken);
        if (!report.IsValid)
        {
            return new PreparedRun { Refusal = LaunchRefusal.Invalid, Report = report };
        }

        var models = ModelSelection.Resolve(model, report.Experiment!, options.Settings);
        if (models.Names.Select(ModelNameCheck.Problem).OfType<string>().ToList() is { Count: > 0 } badNames)
        {
            return new PreparedRun { Refusal = LaunchRefusal.ModelsUnusable, Problems = badNames };
        }

        var tokens = new CorpusTokens(models.Names);
        var (documentFindings, _) = new ExperimentReader(report.Experiment!.Limits).ReadDocuments(report.Experiment, tokens.Observe);
        report = ExperimentValidator.WithDocumentFindings(report, documentFindings);
        if (!report.IsValid)
        {
            return new PreparedRun { Refusal = LaunchRefusal.Invalid, Report = report };
        }

        var experiment = report.Experiment!;
        return Announced(experiment, models, null) with
        {
            Estimate = EstimateView.Of(experiment, models.Names, CostEstimator.Estimate(experiment, models.Names, tokens), Models.BillingMode.Interactive),
        };
    }

    private static PreparedRun Announced(Experiment experiment, ManifestModels models, IReadOnlyDictionary<string, string>? runOptions) => new()
    {
        ExperimentName = experiment.Name,
        FrameworkName = experiment.Framework.Name,
        Documents = experiment.Corpus.Documents.Count,
        Models = models.Names,
        ModelSource = models.Source,
        RunsPerModel = models.RunsPerModel,
        OfflineBaseline = models.OfflineBaseline,
        Reuses = runOptions?.GetValueOrDefault(RunRequestOptions.Source) is { } source
            ? (StageNames.Title(runOptions[RunRequestOptions.From]), Path.GetFileName(source))
            : null,
        Pretest = runOptions?.GetValueOrDefault(RunRequestOptions.Pretest) is { } sample ? PretestPlan(experiment, sample, runOptions) : null,
    };

    private static string PretestPlan(Experiment experiment, string sample, IReadOnlyDictionary<string, string> runOptions)
    {
        var budget = experiment.MaxCostUsd is { } max ? string.Create(CultureInfo.InvariantCulture, $" or the cost extrapolated from its tokens exceeds the budget (${max})") : "";
        return $"{sample} of {experiment.Corpus.Documents.Count} document(s) first (seed {runOptions[RunRequestOptions.PretestSeed]}); the run stops there if a dimension does not discriminate, more than {double.Parse(runOptions[RunRequestOptions.PretestMaxFailureRate], CultureInfo.InvariantCulture):P0} of the answers fail{budget}.";
    }

    /// <summary>`--from`: the models of the run whose stages are reused (named with --source, or the latest that finished them).</summary>
    private static (ManifestModels? Models, PreparedRun? Refusal) ReusedModels(Dictionary<string, string> runOptions, string first, string? given, Experiment experiment)
    {
        var needed = RunOptionRules.NeededBefore(first);
        string? sourceFolder;
        if (given is not null)
        {
            sourceFolder = RunRules.ResolveRunFolder(given, out var problem);
            if (sourceFolder is null)
            {
                return (null, Refused(LaunchRefusal.SourceMissing, $"--source: {problem}"));
            }
        }
        else
        {
            sourceFolder = RunRules.LatestFinishedRun(experiment.Directory, needed);
        }

        return RunOptionRules.ReuseFrom(runOptions, first, sourceFolder) is { } models
            ? (models, null)
            : (null, Refused(LaunchRefusal.Usage, $"--from {first} needs a run of this experiment whose {StageNames.Title(needed)} finished, and there is none; run the experiment first, or name one with --source."));
    }

    private static PreparedRun Refused(LaunchRefusal refusal, string problem) => new() { Refusal = refusal, Problems = [problem] };
}
