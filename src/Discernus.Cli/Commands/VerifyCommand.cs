using System.CommandLine;
using Discernus.Application;
using Spectre.Console;

namespace Discernus.Cli.Commands;

internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("run-folder") { Description = "Path of a run folder (projects/<experiment>/runs/<run_id>)" };
        var format = CommandOutput.FormatOption();
        var command = new Command("verify", "Re-hash every file a run's manifest lists and report what differs") { folder, format };
        command.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(format) == "json";
            if (RunRules.ResolveRunFolder(parse.GetValue(folder)!, out var error) is not { } path)
            {
                return CommandOutput.Error(context, json, ExitCodes.FileMissing, error!);
            }

            var result = await RunQueries.VerifyAsync(path, context.TimeProvider, ct);
            var exitCode = result.Verified ? ExitCodes.Success : ExitCodes.Invalid;
            if (json)
            {
                CommandOutput.Json(context, new
                {
                    result.RunFolder,
                    result.Verified,
                    ExitCode = exitCode,
                    result.FilesChecked,
                    result.RunStatus,
                    result.RunFinished,
                    result.Interrupted,
                    result.UnlistedResults,
                    result.Problems,
                });
                return exitCode;
            }

            if (result.Verified)
            {
                context.Console.MarkupLine($"[green]✓[/] {Markup.Escape(result.RunFolder)}: all {result.FilesChecked} files match the manifest (run status: {Markup.Escape(result.RunStatus ?? "?")}).");
                PrintUnfinished(context, result);
                return exitCode;
            }

            context.Console.MarkupLine($"[red]✗[/] {Markup.Escape(result.RunFolder)}: {result.Problems.Count} problem(s) in {result.FilesChecked} listed files:");
            foreach (var problem in result.Problems)
            {
                context.Console.WriteLine($"  {problem}");
            }

            PrintUnfinished(context, result);
            return exitCode;
        });
        return command;
    }

    private static void PrintUnfinished(CliContext context, RunVerification result)
    {
        if (result.Liveness is not { } liveness || result.RunFinished)
        {
            return;
        }

        var unlisted = result.UnlistedResults > 0 ? $"; {result.UnlistedResults} result file(s) written so far are listed when the run ends" : "";
        if (!result.Interrupted)
        {
            context.Console.MarkupLine($"[yellow]note:[/] the run is still in progress ({Markup.Escape(liveness)}){unlisted}.");
            return;
        }

        context.Console.MarkupLine($"[yellow]note:[/] the run was interrupted ({Markup.Escape(liveness)}){unlisted}. Continue it with:");

        // A plain line, never wrapped by the console: it must stay copy-pastable.
        context.Out.WriteLine($"discernus run --resume {result.RunFolder}");
    }
}
