using System.CommandLine;
using Discernus.Application;
using Discernus.Artifacts;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>`discernus run`: parses the flags, calls the application layer's run rules, and renders what they say.</summary>
internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var arguments = new RunArguments();
        var command = arguments.Command();
        command.SetAction((parse, ct) => HandleAsync(context, arguments, parse, ct));
        return command;
    }

    private static async Task<int> HandleAsync(CliContext context, RunArguments arguments, ParseResult parse, CancellationToken ct)
    {
        if (parse.GetValue(arguments.Format) != "json")
        {
            return await ExecuteAsync(context, arguments, parse, ct);
        }

        var (jsonContext, errors) = RunSummary.ForJson(context);
        var exit = await ExecuteAsync(jsonContext, arguments, parse, ct);
        if (exit != ExitCodes.Success && !jsonContext.SummaryWritten)
        {
            var message = string.Join(" ", errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => l.StartsWith("error: ", StringComparison.Ordinal) ? l["error: ".Length..] : l));
            CommandOutput.Error(context, json: true, exit, message.Length > 0 ? message : "the run did not start (see the findings on standard error)");
        }

        return exit;
    }

    private static async Task<int> ExecuteAsync(CliContext context, RunArguments a, ParseResult parse, CancellationToken ct)
    {
        if (WorkersProblem(context, a, parse) is { } workers)
        {
            return workers;
        }

        if (parse.GetValue(a.Resume) is { } runFolder)
        {
            return await ResumeAsync(context, a, parse, runFolder, ct);
        }

        if (parse.GetValue(a.Path) is not { } experimentPath)
        {
            return Usage(context, "name the experiment folder to run (`discernus run projects/<experiment>`), or a run folder to continue with --resume.");
        }

        // The documents' content is read once, further down, with the store and the models at hand.
        var report = context.ReadExperiment(experimentPath, readDocuments: false);
        if (!report.IsValid)
        {
            return Invalid(context, report);
        }

        if (parse.GetValue(a.Model) is not null && parse.GetValue(a.Models) is not null)
        {
            return Usage(context, "use either --model or --models, not both (--models a,b,c names several).");
        }

        var models = ModelSelection.Resolve(parse.GetValue(a.Models) ?? parse.GetValue(a.Model), report.Experiment!, context.Environment.Values);
        if (parse.GetValue(a.Runs) is { } runCount)
        {
            models = models with { RunsPerModel = runCount };
        }

        var (runOptions, problem) = RunOptionRules.OptionsFor(a.Choices(parse), report.Experiment!);
        if (problem is not null)
        {
            return Usage(context, problem);
        }

        if (parse.GetValue(a.From) is { } first)
        {
            var (reused, exit) = ReusedModels(context, runOptions, first, parse.GetValue(a.Source), report.Experiment!);
            if (reused is null)
            {
                return exit;
            }

            models = reused;
        }

        // The validated corpus (an entry per document) must not be held by this method for the run's length.
        var validated = report;
        report = null!;
        return await StartAsync(context, a, parse, validated, models, runOptions, ct);
    }

    /// <summary>`--resume`: only the run folder; the experiment, models and settings are the run's own.</summary>
    private static async Task<int> ResumeAsync(CliContext context, RunArguments a, ParseResult parse, string runFolder, CancellationToken ct)
    {
        if (parse.GetValue(a.Path) is not null || parse.GetValue(a.Model) is not null || parse.GetValue(a.Models) is not null || parse.GetValue(a.Runs) is not null || parse.GetValue(a.DryRun) || parse.GetValue(a.Pretest) is not null || parse.GetValue(a.Calibrate))
        {
            return Usage(context, "--resume continues a run with the experiment, model and settings it started with: give only the run folder (`discernus run --resume projects/<experiment>/runs/<run_id>`).");
        }

        return await RunPipeline.ResumeAsync(context, runFolder, parse.GetValue(a.Concurrency), !parse.GetValue(a.NoLocalWorkers), ct, parse.GetValue(a.Isolation));
    }

    /// <summary>--no-local-workers needs shared Redis and leaves --isolation nothing to isolate.</summary>
    private static int? WorkersProblem(CliContext context, RunArguments a, ParseResult parse)
    {
        if (parse.GetValue(a.NoLocalWorkers) && context.Environment.Redis.Url is null)
        {
            return Usage(context, "--no-local-workers needs an external Redis that workers share: set DISCERNUS_REDIS_URL and start `discernus worker` processes.");
        }

        if (parse.GetValue(a.NoLocalWorkers) && parse.GetValue(a.Isolation) == AgentIsolationMode.Process)
        {
            return Usage(context, "--isolation applies to this run's local workers, and --no-local-workers starts none: start the workers with `discernus worker --isolation process` instead.");
        }

        return null;
    }

    /// <summary>`--from`: the models of the run whose stages are reused (named with --source, or the latest that finished them).</summary>
    private static (ManifestModels? Models, int Exit) ReusedModels(CliContext context, Dictionary<string, string> runOptions, string first, string? given, Experiment experiment)
    {
        var needed = RunOptionRules.NeededBefore(first);
        string? sourceFolder;
        if (given is not null)
        {
            sourceFolder = RunRules.ResolveRunFolder(given, out var problem);
            if (sourceFolder is null)
            {
                context.Error.WriteLine($"error: --source: {problem}");
                return (null, ExitCodes.FileMissing);
            }
        }
        else
        {
            sourceFolder = RunRules.LatestFinishedRun(experiment.Directory, needed);
        }

        return RunOptionRules.ReuseFrom(runOptions, first, sourceFolder) is { } models
            ? (models, ExitCodes.Success)
            : (null, Usage(context, $"--from {first} needs a run of this experiment whose {StageNames.Title(needed)} finished, and there is none; run the experiment first, or name one with --source."));
    }

    private static async Task<int> StartAsync(CliContext context, RunArguments a, ParseResult parse, ValidationReport report, ManifestModels models, Dictionary<string, string> runOptions, CancellationToken ct)
    {
        var dryRun = parse.GetValue(a.DryRun);
        if (dryRun && models.Names.Select(ModelNameCheck.Problem).OfType<string>().ToList() is { Count: > 0 } badNames)
        {
            badNames.ForEach(p => context.Error.WriteLine($"error: {p}"));
            return ExitCodes.Invalid;
        }

        // Each document is read, checked, hashed, stored and its tokens counted here, once; run setup takes it
        // from the store by the hashes passed on.
        var store = await ArtifactStoreFactory.CreateAsync(ArtifactStoreOptions.For(report.Experiment!.Directory, context.Environment.Values), context.TimeProvider, cancellationToken: ct);
        var documents = await RunPlanner.ReadDocumentsAsync(report, models.Names, store, ct);
        report = documents.Report;
        if (!report.IsValid)
        {
            return Invalid(context, report);
        }

        if (dryRun)
        {
            return await DryRunAsync(context, report, models, store, documents, ct);
        }

        foreach (var (key, value) in await RunPlanner.PassOnAsync(documents.Readings, store, ct))
        {
            runOptions[key] = value;
        }

        // The run reads its documents from its manifest: the validated corpus (an entry per document) and the
        // readings are not kept by this method for the run's length.
        var validated = report;
        var tokens = documents.Tokens;
        report = null!;
        documents = null!;
        return await RunPipeline.ExecuteAsync(context, validated, models, parse.GetValue(a.Concurrency), !parse.GetValue(a.NoLocalWorkers), ct, runOptions, parse.GetValue(a.Isolation), tokens);
    }

    private static async Task<int> DryRunAsync(CliContext context, ValidationReport report, ManifestModels models, IArtifactStore store, DocumentPass documents, CancellationToken ct)
    {
        var (folder, manifest) = await RunOptionRules.DryRunAsync(report, models, store, documents.Readings, context.TimeProvider, ct);
        context.Console.MarkupLine($"[green]✓[/] dry run: validated and set up {manifest.Documents.Count} document(s), {manifest.Prompts.Count} prompt(s), {manifest.Files.Count} hashed file(s); no model was called.");
        context.Console.MarkupLine($"  model (planned): {Markup.Escape(string.Join(", ", models.Names))} ({models.Source})");
        context.Console.MarkupLine($"  artifact store: {Markup.Escape(store.Description)}");
        EstimatePrinter.Print(context.Console, report.Experiment!, models.Names, CostEstimator.Estimate(report.Experiment!, models.Names, documents.Tokens), detailed: true);
        context.Out.WriteLine(folder);
        if (context.JsonSummary is { } drySummary)
        {
            context.MarkSummaryWritten();
            drySummary.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { manifest.RunId, manifest.Status, ExitCode = ExitCodes.Success, RunFolder = folder, DryRun = true, Models = models.Names, models.RunsPerModel }, DiscernusJson.Indented));
        }

        return ExitCodes.Success;
    }

    private static int Usage(CliContext context, string problem)
    {
        context.Error.WriteLine($"error: {problem}");
        return ExitCodes.Usage;
    }

    private static int Invalid(CliContext context, ValidationReport invalid)
    {
        FindingsPrinter.Print(context.Console, invalid);
        if (context.JsonSummary is { } invalidSummary)
        {
            context.MarkSummaryWritten();
            invalidSummary.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
            {
                Error = new
                {
                    invalid.ExitCode,
                    Kind = ExitCodes.Kind(invalid.ExitCode),
                    Message = $"the experiment is not valid: {invalid.Blocking.Count()} blocking problem(s); nothing was run",
                    Findings = invalid.Blocking.Select(f => new { f.Code, f.File, f.Field, f.Line, f.Message, f.Fix }),
                },
            }, DiscernusJson.Indented));
        }

        return invalid.ExitCode;
    }
}
