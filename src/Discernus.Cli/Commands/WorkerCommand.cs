using System.CommandLine;
using Discernus.Configuration;
using Discernus.Hosting;
using Discernus.Health;
using Discernus.Application;
using Discernus.Telemetry;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Discernus.Cli.Commands;

internal static class WorkerCommand
{
    public static Command Create(CliContext context)
    {
        var concurrency = ConcurrencyOption.Create("Agent loops in this worker (1-256, default 8)");
        var isolation = IsolationOption.Create();
        var metricsPort = new Option<int?>("--metrics-port") { Description = $"Serve Prometheus metrics at http://<any address>:<port>/metrics ({TelemetryOptions.MetricsPortVariable})" };
        var healthPort = new Option<int?>("--health-port") { Description = $"Serve {WorkerHealth.LivenessPath} and {WorkerHealth.ReadinessPath} on this port, every address ({TelemetryOptions.HealthPortVariable})" };
        var command = new Command("worker", "Serve agent tasks from an external Redis (DISCERNUS_REDIS_URL) until stopped with Ctrl-C") { concurrency, isolation, metricsPort, healthPort };
        command.SetAction(async (parse, ct) =>
        {
            if (context.Workspace.Redis.Url is null)
            {
                context.Error.WriteLine("error: a worker needs the Redis the runs are coordinated on: set DISCERNUS_REDIS_URL (e.g. redis://host:6379) and DISCERNUS_ARTIFACTS_DIR to the shared artifact store.");
                return ExitCodes.Usage;
            }

            var artifacts = context.Workspace.WorkerStoreFolder(Directory.GetCurrentDirectory());
            var choices = new WorkerChoices(artifacts, parse.GetValue(concurrency), IsolateAgents: parse.GetValue(isolation) == IsolationOption.Process);
            var values = context.Environment.Values;
            var health = parse.GetValue(healthPort) ?? (int?)SettingCatalog.WholeNumber(values, TelemetryOptions.HealthPortVariable);
            var telemetryOptions = TelemetryOptions.FromSettings(values, "discernus-worker", parse.GetValue(metricsPort));
            if (health is < 1 or > 65_535 || telemetryOptions.MetricsPort is < 1 or > 65_535 || (health is not null && health == telemetryOptions.MetricsPort))
            {
                context.Error.WriteLine("error: --health-port and --metrics-port must be two different ports from 1 to 65535.");
                return ExitCodes.Usage;
            }

            return await ServeAsync(context, choices, health, telemetryOptions, ct);
        });
        return command;
    }

    private static async Task<int> ServeAsync(CliContext context, WorkerChoices choices, int? health, TelemetryOptions telemetryOptions, CancellationToken ct)
    {
        using var logging = CliLogging.Start(context, "worker");
        var logger = logging.Factory.CreateLogger("discernus.worker");

        // Before the host: the Router's first spans and counts already have their listeners.
        using var telemetry = ProcessTelemetry.Start(telemetryOptions);
        await using var worker = await WorkerSession.StartAsync(context.Workspace, choices, logger, ct);
        if (worker.EvictionWarning is { } eviction)
        {
            context.Error.WriteLine($"warning: {eviction}");
        }

        await using var healthServer = health is { } port ? await WorkerHealthServer.StartAsync(worker.HealthChecks(), port, logging.Factory, ct) : null;
        var endpoints = string.Join(", ", new[]
        {
            telemetry.MetricsUrl,
            health is { } h ? $"http://+:{h}{WorkerHealth.LivenessPath} and {WorkerHealth.ReadinessPath}" : null,
        }.OfType<string>());
        context.Console.MarkupLine($"worker serving agent tasks from {Markup.Escape(worker.RedisDescription)} with {worker.Loops} loop(s){(worker.IsolatesAgents ? ", each task in its own process" : "")}; artifacts in {Markup.Escape(worker.StoreDescription)}; log {Markup.Escape(logging.FilePath ?? "console only")}; telemetry {telemetry.Description}{(endpoints.Length > 0 ? $" ({Markup.Escape(endpoints)})" : "")}. Ctrl-C stops it.");
        logger.LogInformation("Worker started: {Loops} agent loop(s), Redis {Redis}, store {Store}, telemetry {Telemetry}", worker.Loops, worker.RedisDescription, worker.StoreIdentity, telemetry.Description);

        // The worker lives as long as its loops: one that cannot go on ends the process with its reason.
        var stopped = Task.Delay(Timeout.Infinite, ct);
        var first = await Task.WhenAny(worker.Failed, stopped);
        if (first == worker.Failed)
        {
            context.Error.WriteLine($"error: the worker stopped: {worker.FailureReason}");
            return ExitCodes.Failure;
        }

        context.Console.WriteLine("stopping: finishing the tasks in hand...");
        logger.LogInformation("Worker stopping on request");
        return ExitCodes.Success;
    }
}
