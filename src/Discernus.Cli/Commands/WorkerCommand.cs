using System.CommandLine;
using Discernus.Orchestration;
using Spectre.Console;

namespace Discernus.Cli.Commands;

internal static class WorkerCommand
{
    public static Command Create(CliContext context)
    {
        var concurrency = ConcurrencyOption.Create("Agent loops in this worker (1-256, default 8)");
        var command = new Command("worker", "Serve agent tasks from an external Redis (DISCERNUS_REDIS_URL) until stopped with Ctrl-C") { concurrency };
        command.SetAction(async (parse, ct) =>
        {
            if (context.Environment["DISCERNUS_REDIS_URL"] is null)
            {
                context.Error.WriteLine("error: a worker needs the Redis the runs are coordinated on: set DISCERNUS_REDIS_URL (e.g. redis://host:6379) and DISCERNUS_ARTIFACTS_DIR to the shared artifact store.");
                return ExitCodes.Usage;
            }

            var artifacts = context.Environment["DISCERNUS_ARTIFACTS_DIR"] ?? Path.Combine(Directory.GetCurrentDirectory(), ".discernus", "artifacts");
            var options = HostOptions.FromEnvironment(context.Environment.Values, artifacts) with { RunOrchestrator = false, OfflineModels = OfflineModels.Registrations };
            if (parse.GetValue(concurrency) is { } n)
            {
                options = options with { Router = options.Router with { Concurrency = n } };
            }

            options.Router.Validate();
            await using var host = await DiscernusHost.StartAsync(options, context.TimeProvider, cancellationToken: ct);
            context.Console.MarkupLine($"worker serving agent tasks from {Markup.Escape(host.RedisDescription)} with {options.Router.Concurrency} loop(s); artifacts in {Markup.Escape(artifacts)}. Ctrl-C stops it.");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                context.Console.WriteLine("stopping: finishing the tasks in hand...");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
