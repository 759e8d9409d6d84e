using System.CommandLine;
using Discernus.Orchestration;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Discernus.Cli.Commands;

internal static class WorkerCommand
{
    public static Command Create(CliContext context)
    {
        var concurrency = ConcurrencyOption.Create("Agent loops in this worker (1-256, default 8)");
        var isolation = IsolationOption.Create();
        var command = new Command("worker", "Serve agent tasks from an external Redis (DISCERNUS_REDIS_URL) until stopped with Ctrl-C") { concurrency, isolation };
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

            options = options with { Router = IsolationOption.Apply(options.Router, parse.GetValue(isolation), context.Environment.Values) };
            options.Router.Validate();
            using var logging = CliLogging.Start(context, "worker");
            var logger = logging.Factory.CreateLogger("discernus.worker");
            await using var host = await DiscernusHost.StartAsync(options, context.TimeProvider, logger, ct);
            if (host.EvictionWarning is { } eviction)
            {
                context.Error.WriteLine($"warning: {eviction}");
            }

            context.Console.MarkupLine($"worker serving agent tasks from {Markup.Escape(host.RedisDescription)} with {options.Router.Concurrency} loop(s){(options.Router.Isolation.Mode == AgentIsolationMode.Process ? ", each task in its own process" : "")}; artifacts in {Markup.Escape(host.Store.Description)}; log {Markup.Escape(logging.FilePath ?? "console only")}. Ctrl-C stops it.");
            logger.LogInformation("Worker started: {Loops} agent loop(s), Redis {Redis}, store {Store}", options.Router.Concurrency, host.RedisDescription, host.Store.Identity);

            // The worker lives as long as its loops: one that cannot go on ends the process with its reason.
            var stopped = Task.Delay(Timeout.Infinite, ct);
            var first = await Task.WhenAny(host.Failed, stopped);
            if (first == host.Failed)
            {
                context.Error.WriteLine($"error: the worker stopped: {host.LoopFailure?.Message ?? "a loop ended"}");
                return ExitCodes.Failure;
            }

            context.Console.WriteLine("stopping: finishing the tasks in hand...");
            logger.LogInformation("Worker stopping on request");
            return ExitCodes.Success;
        });
        return command;
    }
}
