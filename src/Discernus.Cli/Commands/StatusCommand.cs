using System.CommandLine;
using Discernus.Application;
using Spectre.Console;

namespace Discernus.Cli.Commands;

internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("run-folder") { Description = "Path of a run folder (projects/<experiment>/runs/<run_id>)" };
        var format = CommandOutput.FormatOption();
        var command = new Command("status", "Show a run's status, stages and counts (from its manifest, and from Redis while it runs)") { folder, format };
        command.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(format) == "json";
            if (RunRules.ResolveRunFolder(parse.GetValue(folder)!, out var problem) is not { } path)
            {
                return CommandOutput.Error(context, json, ExitCodes.FileMissing, problem!);
            }

            var (view, unreadable) = await RunQueries.StatusAsync(path, context.Workspace, m => context.Error.WriteLine($"warning: could not read live state from Redis: {m}"), ct);
            if (view is null)
            {
                return CommandOutput.Error(context, json, ExitCodes.FileMissing, unreadable!);
            }

            if (json)
            {
                context.Out.WriteLine(view.Json);
                return ExitCodes.Success;
            }

            PrintText(context, view);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void PrintText(CliContext context, RunStatusView view)
    {
        context.Console.MarkupLine($"Run [blue]{Markup.Escape(view.RunId)}[/] of [bold]{Markup.Escape(view.Experiment)}[/]: [bold]{Markup.Escape(view.Liveness)}[/] (created {Markup.Escape(view.CreatedAt)}{(view.FinishedAt is { } f ? $", finished {Markup.Escape(f)}" : "")})");
        var table = new Table().AddColumns("stage", "status", "tasks", "failed", "seconds");
        foreach (var row in view.Stages)
        {
            table.AddRow(row.Title, Markup.Escape(row.Status), row.Tasks, row.Failed, row.Seconds);
        }

        CliTables.Write(context.Console, table);
        if (view.Live is { } live)
        {
            context.Console.MarkupLine($"live: stage {Markup.Escape(live.Stage ?? "?")}, {live.Completed}/{live.Total} done, {live.Failed} failed");
        }

        // A batch run: what the provider said about each batch when it was last asked.
        foreach (var line in view.BatchLines)
        {
            context.Console.MarkupLine(Markup.Escape(line));
        }

        if (view.Error is { } error)
        {
            context.Console.MarkupLine($"[red]error:[/] {Markup.Escape(error)}");
        }

        if (view.Report is { } report)
        {
            context.Console.MarkupLine($"report: {Markup.Escape(report)}");
        }
    }
}
