using System.CommandLine;
using Discernus.Application;

namespace Discernus.Cli.Commands;

internal static class DebugCommand
{
    public static Command Create(CliContext context)
    {
        var showRedis = new Option<bool>("--show-redis-state") { Description = "Summarise the Discernus keys on DISCERNUS_REDIS_URL by kind (queues, processing lists, workers, runs in flight, task keys, dead list) and flag anomalies" };
        var keys = new Option<bool>("--keys") { Description = "With --show-redis-state: also list every key with its type, length and TTL" };
        var reset = new Option<bool>("--reset") { Description = "Delete every key under the prefix (DISCERNUS_REDIS_PREFIX, default discernus:); refused while runs are in flight" };
        var force = new Option<bool>("--force") { Description = "With --reset: delete even while runs are in flight (their Orchestrators rebuild them from their run folders)" };
        var format = new Option<string>("--format") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("debug", "Diagnostics and clean-up for the coordination layer on an external Redis") { showRedis, keys, reset, force, format };
        command.SetAction(async (parse, ct) =>
        {
            var show = parse.GetValue(showRedis);
            var doReset = parse.GetValue(reset);
            if (show == doReset)
            {
                context.Error.WriteLine(show
                    ? "error: use either --show-redis-state or --reset, not both."
                    : "error: nothing to do; use `discernus debug --show-redis-state` (add --keys to list every key) or `discernus debug --reset`.");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(keys) && !show || parse.GetValue(force) && !doReset)
            {
                context.Error.WriteLine("error: --keys goes with --show-redis-state, --force with --reset.");
                return ExitCodes.Usage;
            }

            if (context.Workspace.Redis.Url is null)
            {
                context.Error.WriteLine("error: set DISCERNUS_REDIS_URL; the embedded server exists only while a run is in progress.");
                return ExitCodes.Usage;
            }

            OperationReport report;
            try
            {
                report = await OperationsService.CoordinationAsync(context.Workspace, doReset, parse.GetValue(force), parse.GetValue(keys), ct);
            }
            catch (FormatException ex)
            {
                context.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Usage;
            }

            var json = parse.GetValue(format) == "json";
            (report.Refused && !json ? context.Error : context.Out).WriteLine(json ? report.Json : report.Text);
            return report.Ok ? ExitCodes.Success : doReset ? ExitCodes.Failure : ExitCodes.Invalid;
        });
        return command;
    }
}
