using System.CommandLine;
using Discernus.Provenance;
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
            if (CommandOutput.ResolveRunFolder(parse.GetValue(folder)!, out var error) is not { } path)
            {
                return CommandOutput.Error(context, json, ExitCodes.FileMissing, error!);
            }

            var result = await RunVerifier.VerifyAsync(path, ct);
            var finished = result.Status is { } status && RunStatus.IsFinal(status);
            var exitCode = result.Succeeded ? ExitCodes.Success : ExitCodes.Invalid;
            if (json)
            {
                CommandOutput.Json(context, new
                {
                    result.RunFolder,
                    Verified = result.Succeeded,
                    ExitCode = exitCode,
                    result.FilesChecked,
                    RunStatus = result.Status,
                    RunFinished = finished,
                    result.Problems,
                });
                return exitCode;
            }

            if (result.Succeeded)
            {
                context.Console.MarkupLine($"[green]✓[/] {Markup.Escape(result.RunFolder)}: all {result.FilesChecked} files match the manifest (run status: {Markup.Escape(result.Status ?? "?")}).");
                if (!finished && result.Status is { } unfinished)
                {
                    context.Console.MarkupLine($"[yellow]note:[/] the run is '{Markup.Escape(unfinished)}', not finished: its outputs are incomplete (if no process runs it any more, it was interrupted).");
                }

                return exitCode;
            }

            context.Console.MarkupLine($"[red]✗[/] {Markup.Escape(result.RunFolder)}: {result.Problems.Count} problem(s) in {result.FilesChecked} listed files:");
            foreach (var problem in result.Problems)
            {
                context.Console.WriteLine($"  {problem}");
            }

            return exitCode;
        });
        return command;
    }
}
