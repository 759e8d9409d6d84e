using System.CommandLine;
using System.Text.Json;
using Discernus.Coordination;
using Discernus.Provenance;
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
            if (CommandOutput.ResolveRunFolder(parse.GetValue(folder)!, out var problem) is not { } path)
            {
                return CommandOutput.Error(context, json, ExitCodes.FileMissing, problem!);
            }

            var manifestPath = Path.Combine(path, RunFolder.ManifestFileName);
            RunManifest manifest;
            var documents = 0;
            try
            {
                // The head and a streamed count: the whole manifest of a large run is hundreds of MB once parsed.
                manifest = RunFolder.ReadManifestHead(manifestPath);
                new RunFolder(path, manifest.RunId).ReadDocuments(_ => documents++);
            }
            catch (Exception ex) when (ex is JsonException or InvalidDataException or IOException)
            {
                return CommandOutput.Error(context, json, ExitCodes.FileMissing, $"{manifestPath} cannot be read: {ex.Message}");
            }

            var live = RunStatus.IsFinal(manifest.Status) ? null : await ReadLiveStateAsync(context, manifest.RunId, ct);
            if (json)
            {
                context.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    manifest.RunId,
                    manifest.Status,
                    Experiment = manifest.Experiment.Name,
                    manifest.CreatedAt,
                    manifest.FinishedAt,
                    manifest.Stages,
                    Documents = documents,
                    manifest.Failures,
                    manifest.Cost,
                    manifest.Outputs,
                    manifest.Error,
                    manifest.Batches,
                    manifest.BatchRetries,
                    Live = live?.Fields,
                }, DiscernusJson.Indented));
                return ExitCodes.Success;
            }

            context.Console.MarkupLine($"Run [blue]{Markup.Escape(manifest.RunId)}[/] of [bold]{Markup.Escape(manifest.Experiment.Name)}[/]: [bold]{Markup.Escape(RunLiveness.Describe(manifestPath, manifest, context.TimeProvider))}[/] (created {Markup.Escape(manifest.CreatedAt)}{(manifest.FinishedAt is { } f ? $", finished {Markup.Escape(f)}" : "")})");
            var table = new Table().AddColumns("stage", "status", "tasks", "failed", "seconds");
            foreach (var stage in manifest.Stages)
            {
                table.AddRow(StageNames.Title(stage.Name), Markup.Escape(stage.Status),
                    stage.TasksTotal is { } total ? $"{stage.TasksSucceeded ?? 0}/{total}" : "",
                    stage.TasksFailed?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    stage.DurationMs is { } ms ? (ms / 1000.0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "");
            }

            CliTables.Write(context.Console, table);
            if (live is not null)
            {
                context.Console.MarkupLine($"live: stage {Markup.Escape(live.Stage ?? "?")}, {live.Completed ?? 0}/{live.Total ?? 0} done, {live.Failed ?? 0} failed");
            }

            foreach (var batch in manifest.Batches)
            {
                // A batch run: what the provider said about each batch when it was last asked.
                context.Console.MarkupLine(Markup.Escape(
                    $"batch {batch.BatchId ?? "(not submitted yet)"} ({batch.File}, {batch.Requests} requests): {batch.Status}, {batch.Completed} completed, {batch.Failed} failed"));
            }

            if (manifest.BatchRetries.Count > 0)
            {
                context.Console.MarkupLine(Markup.Escape($"{manifest.BatchRetries.Count} analyses asked interactively after their batch line failed: {string.Join(", ", manifest.BatchRetries.Take(5).Select(r => r.DocumentName ?? r.TaskId))}{(manifest.BatchRetries.Count > 5 ? ", ..." : "")}"));
            }

            if (manifest.Error is { } error)
            {
                context.Console.MarkupLine($"[red]error:[/] {Markup.Escape(error)}");
            }

            if (manifest.Outputs.ReportMarkdown is { } report)
            {
                context.Console.MarkupLine($"report: {Markup.Escape(Path.Combine(path, report))}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>An embedded server lives and dies with its run, so live state exists only on an external Redis.</summary>
    private static async Task<RunState?> ReadLiveStateAsync(CliContext context, string runId, CancellationToken cancellationToken)
    {
        if (context.Environment.Redis is not { Url: { } url } redis)
        {
            return null;
        }

        try
        {
            await using var connections = await RedisConnections.ConnectAsync(RedisConnectionFactory.Parse(url), cancellationToken);
            var keys = new RedisKeys(redis.Prefix);
            return await new RunStateStore(connections, keys).GetAsync(runId, cancellationToken);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or CoordinationFaultException or TimeoutException)
        {
            context.Error.WriteLine($"warning: could not read live state from Redis: {ex.Message}");
            return null;
        }
    }
}
