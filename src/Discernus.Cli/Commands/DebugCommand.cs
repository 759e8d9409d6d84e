using System.CommandLine;
using Discernus.Coordination;

namespace Discernus.Cli.Commands;

internal static class DebugCommand
{
    public static Command Create(CliContext context)
    {
        var showRedis = new Option<bool>("--show-redis-state") { Description = "List every Discernus key on DISCERNUS_REDIS_URL with its type, and flag keys of the wrong type" };
        var command = new Command("debug", "Diagnostics for the coordination layer") { showRedis };
        command.SetAction(async (parse, ct) =>
        {
            if (!parse.GetValue(showRedis))
            {
                context.Error.WriteLine("error: nothing to show; use `discernus debug --show-redis-state`.");
                return ExitCodes.Usage;
            }

            if (context.Environment["DISCERNUS_REDIS_URL"] is not { } url)
            {
                context.Error.WriteLine("error: set DISCERNUS_REDIS_URL; the embedded server exists only while a run is in progress.");
                return ExitCodes.Usage;
            }

            await using var connections = await RedisConnections.ConnectAsync(RedisConnectionFactory.Parse(url), ct);
            var report = await new CoordinationAudit(connections, new RedisKeys(context.Environment["DISCERNUS_REDIS_PREFIX"] ?? "discernus:")).InspectAsync(ct);
            context.Out.WriteLine(report.ToText());
            return report.HasFaults ? ExitCodes.Invalid : ExitCodes.Success;
        });
        return command;
    }
}
