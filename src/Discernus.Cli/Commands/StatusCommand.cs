using System.CommandLine;
using System.Text.Json;
using Discernus.Application;
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

            var live = RunStatus.IsFinal(manifest.Status) ? null : await RunRules.ReadLiveStateAsync(context.Environment.Values, manifest.RunId, m => context.Error.WriteLine($"warning: could not read live state from Redis: {m}"), ct);
            if (json)
            {
                WriteJson(context, manifest, documents, live);
                return ExitCodes.Success;
            }

            PrintText(context, path, manifestPath, manifest, live);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteJson(CliContext context, RunManifest manifest, int documents, RunState? live)
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
    }

    private static void PrintText(CliContext context, string path, string manifestPath, RunManifest manifest, RunState? live)
    {
        context.Console.MarkupLine($"Run [blue]{Markup.Escape(manifest.RunId)}[/] of [bold]{Markup.Escape(manifest.Experiment.Name)}[/]: [bold]{Markup.Escape(RunLiveness.Describe(manifestPath, manifest, context.TimeProvider))}[/] (created {Markup.Escape(manifest.CreatedAt)}{(manifest.FinishedAt is { } f ? $", finished {Markup.Escape(f)}" : "")})");
        var table = new Table().AddColumns("stage", "status", "tasks", "failed", "seconds");
        foreach (var row in RunRules.StageRows(manifest))
        {
            table.AddRow(row.Title, Markup.Escape(row.Status), row.Tasks, row.Failed, row.Seconds);
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
    }
}
