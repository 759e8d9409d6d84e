using System.CommandLine;
using System.Text.Json.Nodes;
using Discernus.Application;

namespace Discernus.Cli.Commands;

/// <summary>
/// `discernus logs &lt;run-folder&gt; [--stage S] [--level L] [--tail] [--format json]`: a run's log lines as
/// <see cref="RunLogs"/> reads and filters them; <c>--tail</c> keeps printing new lines until the run ends.
/// </summary>
internal static class LogsCommand
{
    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("run-folder") { Description = "Path of a run folder (projects/<experiment>/runs/<run_id>)" };
        var stage = new Option<string?>("--stage") { Description = "Only this stage: validation, run_setup, batch_analysis, synthesis, report, orchestrator" };
        var level = new Option<string>("--level") { Description = "Minimum level: debug, info, warning or error (verbose, trace, warn, fatal also read)", DefaultValueFactory = _ => "debug" };
        var tail = new Option<bool>("--tail") { Description = "Keep printing new lines until the run has ended (Ctrl-C stops)" };
        var format = CommandOutput.FormatOption();
        var command = new Command("logs", "Show a run's log lines in time order, filtered by stage and level") { folder, stage, level, tail, format };
        command.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(format) == "json";
            if (RunRules.ResolveRunFolder(parse.GetValue(folder)!, out var problem) is not { } path)
            {
                return CommandOutput.Error(context, json, ExitCodes.FileMissing, problem!);
            }

            var (filter, usage) = RunLogs.FilterFor(path, parse.GetValue(stage), parse.GetValue(level)!);
            if (filter is null)
            {
                return CommandOutput.Error(context, json, ExitCodes.Usage, usage!);
            }

            var logs = new RunLogs(path);
            Print(context, json, logs.ReadNew(filter));
            if (!parse.GetValue(tail))
            {
                return ExitCodes.Success;
            }

            try
            {
                await foreach (var lines in logs.FollowAsync(filter, context.TimeProvider, ct))
                {
                    Print(context, json, lines);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl-C ends a tail; it is how one stops watching.
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(CliContext context, bool json, IReadOnlyList<JsonObject> lines)
    {
        foreach (var line in lines)
        {
            context.Out.WriteLine(json
                ? line.ToJsonString()
                : $"{(string?)line["timestamp"]} {((string?)line["log_level"] ?? "").ToUpperInvariant(),-7} {(string?)line["stage"]} {(string?)line["agent_name"]}: {(string?)line["message"]}");
        }
    }
}
