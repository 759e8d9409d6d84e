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
                    Interrupted = result.Manifest is { } m && RunLiveness.Inspect(Path.Combine(result.RunFolder, RunFolder.ManifestFileName), m, context.TimeProvider).Interrupted,
                    result.UnlistedResults,
                    result.Problems,
                });
                return exitCode;
            }

            if (result.Succeeded)
            {
                context.Console.MarkupLine($"[green]✓[/] {Markup.Escape(result.RunFolder)}: all {result.FilesChecked} files match the manifest (run status: {Markup.Escape(result.Status ?? "?")}).");
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

    private static void PrintUnfinished(CliContext context, VerificationResult result)
    {
        if (result.Manifest is not { } manifest || RunStatus.IsFinal(manifest.Status))
        {
            return;
        }

        var liveness = RunLiveness.Inspect(Path.Combine(result.RunFolder, RunFolder.ManifestFileName), manifest, context.TimeProvider);
        var unlisted = result.UnlistedResults > 0 ? $"; {result.UnlistedResults} result file(s) written so far are listed when the run ends" : "";
        if (!liveness.Interrupted)
        {
            context.Console.MarkupLine($"[yellow]note:[/] the run is still in progress ({Markup.Escape(liveness.Description)}){unlisted}.");
            return;
        }

        context.Console.MarkupLine($"[yellow]note:[/] the run was interrupted ({Markup.Escape(liveness.Description)}){unlisted}. Continue it with:");

        // A plain line, never wrapped by the console: it must stay copy-pastable.
        context.Out.WriteLine($"discernus run --resume {result.RunFolder}");
    }
}
