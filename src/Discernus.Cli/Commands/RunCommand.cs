using System.CommandLine;
using Discernus.Application;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>
/// `discernus run`: parses the flags into a <see cref="RunOrder"/> (or a run folder to resume), has the application
/// layer prepare it (<see cref="RunLauncher"/>), says why it cannot start or what starts, and hands it to <see cref="RunPipeline"/>.
/// </summary>
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

        var host = new RunHostChoices(parse.GetValue(a.Concurrency), !parse.GetValue(a.NoLocalWorkers), parse.GetValue(a.Isolation) == IsolationOption.Process);
        if (parse.GetValue(a.Resume) is { } runFolder)
        {
            return await ResumeAsync(context, a, parse, runFolder, host, ct);
        }

        if (parse.GetValue(a.Path) is not { } experimentPath)
        {
            return Usage(context, "name the experiment folder to run (`discernus run projects/<experiment>`), or a run folder to continue with --resume.");
        }

        // The embedded server starts while the experiment is validated and stored; a run that does not start stops it.
        await using var early = parse.GetValue(a.DryRun) ? EarlyCoordination.None : EarlyCoordination.Begin(context.Workspace);
        var run = await RunLauncher.PrepareAsync(
            new RunOrder(experimentPath) { Model = parse.GetValue(a.Model), ModelList = parse.GetValue(a.Models), Runs = parse.GetValue(a.Runs), Choices = a.Choices(parse), Source = parse.GetValue(a.Source) },
            context.Workspace, ct);
        return run.Refusal switch
        {
            LaunchRefusal.Invalid => Invalid(context, run),
            LaunchRefusal.Usage => Usage(context, run.Problems[0]),
            LaunchRefusal.SourceMissing => Error(context, ExitCodes.FileMissing, run.Problems),
            LaunchRefusal.ModelsUnusable => Error(context, ExitCodes.Invalid, run.Problems),
            LaunchRefusal.RunsFolder => Error(context, ExitCodes.Failure, run.Problems),
            _ when run.DryRun is { } dryRun => DryRun(context, run, dryRun),
            _ => await RunPipeline.ExecuteAsync(context, run, host, early, ct),
        };
    }

    /// <summary>`--resume`: only the run folder; the experiment, models and settings are the run's own.</summary>
    private static async Task<int> ResumeAsync(CliContext context, RunArguments a, ParseResult parse, string runFolder, RunHostChoices host, CancellationToken ct)
    {
        if (parse.GetValue(a.Path) is not null || parse.GetValue(a.Model) is not null || parse.GetValue(a.Models) is not null || parse.GetValue(a.Runs) is not null || parse.GetValue(a.DryRun) || parse.GetValue(a.Pretest) is not null || parse.GetValue(a.Calibrate))
        {
            return Usage(context, "--resume continues a run with the experiment, model and settings it started with: give only the run folder (`discernus run --resume projects/<experiment>/runs/<run_id>`).");
        }

        var (check, run) = RunLauncher.PrepareResume(runFolder, context.Workspace);
        if (run is null)
        {
            return Error(context, check.Refusal == ResumeRefusal.NotARunFolder ? ExitCodes.FileMissing : ExitCodes.Usage, [check.Problem!]);
        }

        context.Console.MarkupLine($"[bold]Discernus[/] resuming run [blue]{Markup.Escape(run.RunId)}[/] of [bold]{Markup.Escape(run.ExperimentName)}[/] ({Markup.Escape(check.Liveness)}): finished stages and recorded analyses are kept; every document without a valid result is asked again.");
        return await RunPipeline.SubmitAndWatchAsync(context, run, host, EarlyCoordination.None, ct);
    }

    /// <summary>--no-local-workers needs shared Redis and leaves --isolation nothing to isolate.</summary>
    private static int? WorkersProblem(CliContext context, RunArguments a, ParseResult parse)
    {
        if (parse.GetValue(a.NoLocalWorkers) && context.Workspace.Redis.Url is null)
        {
            return Usage(context, "--no-local-workers needs an external Redis that workers share: set DISCERNUS_REDIS_URL and start `discernus worker` processes.");
        }

        if (parse.GetValue(a.NoLocalWorkers) && parse.GetValue(a.Isolation) == IsolationOption.Process)
        {
            return Usage(context, "--isolation applies to this run's local workers, and --no-local-workers starts none: start the workers with `discernus worker --isolation process` instead.");
        }

        return null;
    }

    private static int DryRun(CliContext context, PreparedRun run, DryRun dryRun)
    {
        context.Console.MarkupLine($"[green]✓[/] dry run: validated and set up {dryRun.Documents} document(s), {dryRun.Prompts} prompt(s), {dryRun.Files} hashed file(s); no model was called.");
        context.Console.MarkupLine($"  model (planned): {Markup.Escape(string.Join(", ", run.Models))} ({run.ModelSource})");
        context.Console.MarkupLine($"  artifact store: {Markup.Escape(dryRun.StoreDescription)}");
        EstimatePrinter.Print(context.Console, run.Estimate!, detailed: true);
        context.Out.WriteLine(dryRun.Folder);
        if (context.JsonSummary is { } drySummary)
        {
            context.MarkSummaryWritten();
            drySummary.WriteLine(CommandOutput.JsonText(new { dryRun.RunId, dryRun.Status, ExitCode = ExitCodes.Success, RunFolder = dryRun.Folder, DryRun = true, run.Models, run.RunsPerModel }));
        }

        return ExitCodes.Success;
    }

    private static int Usage(CliContext context, string problem) => Error(context, ExitCodes.Usage, [problem]);

    private static int Error(CliContext context, int exitCode, IReadOnlyList<string> problems)
    {
        foreach (var problem in problems)
        {
            context.Error.WriteLine($"error: {problem}");
        }

        return exitCode;
    }

    private static int Invalid(CliContext context, PreparedRun run)
    {
        var invalid = run.Report!;
        FindingsPrinter.Print(context.Console, invalid);
        if (context.JsonSummary is { } invalidSummary)
        {
            context.MarkSummaryWritten();
            invalidSummary.WriteLine(CommandOutput.JsonText(new
            {
                Error = new
                {
                    invalid.ExitCode,
                    Kind = ExitCodes.Kind(invalid.ExitCode),
                    Message = $"the experiment is not valid: {invalid.Blocking.Count()} blocking problem(s); nothing was run",
                    Findings = invalid.Blocking.Select(f => new { f.Code, f.File, f.Field, f.Line, f.Message, f.Fix }),
                },
            }));
        }

        return invalid.ExitCode;
    }
}
