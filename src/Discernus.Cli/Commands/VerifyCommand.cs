using System.CommandLine;
using Discernus.Provenance;
using Spectre.Console;

namespace Discernus.Cli.Commands;

internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("run-folder") { Description = "Path of a run folder (projects/<experiment>/runs/<run_id>)" };
        var command = new Command("verify", "Re-hash every file a run's manifest lists and report what differs") { folder };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(folder)!;
            if (!Directory.Exists(path))
            {
                context.Error.WriteLine($"error: run folder {Path.GetFullPath(path)} does not exist.");
                return ExitCodes.FileMissing;
            }

            var result = await RunVerifier.VerifyAsync(path, ct);
            if (result.Succeeded)
            {
                context.Console.MarkupLine($"[green]✓[/] {Markup.Escape(result.RunFolder)}: all {result.FilesChecked} files match the manifest (run status: {Markup.Escape(result.Status ?? "?")}).");
                if (result.Status is { } status && !RunStatus.IsFinal(status))
                {
                    context.Console.MarkupLine($"[yellow]note:[/] the run is '{Markup.Escape(status)}', not finished: its outputs are incomplete (if no process runs it any more, it was interrupted).");
                }
                return ExitCodes.Success;
            }

            context.Console.MarkupLine($"[red]✗[/] {Markup.Escape(result.RunFolder)}: {result.Problems.Count} problem(s) in {result.FilesChecked} listed files:");
            foreach (var problem in result.Problems)
            {
                context.Console.WriteLine($"  {problem}");
            }

            return ExitCodes.Invalid;
        });
        return command;
    }
}
