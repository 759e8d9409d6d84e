using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Discernus.Provenance;

namespace Discernus.Cli.Commands;

/// <summary>
/// `discernus logs &lt;run-folder&gt; [--stage S] [--level L] [--tail] [--format json]`: every log line of a run in time order,
/// filtered by stage and minimum level; <c>--tail</c> keeps printing new lines until the run ends. A stage or level the
/// run does not have is a usage error naming the ones it has, never an empty listing that looks like "nothing happened".
/// </summary>
internal static class LogsCommand
{
    private static readonly string[] Levels = ["debug", "info", "warning", "error"];

    // The names other logging tools use for the same four steps (Serilog's verbose and fatal, .NET's trace, critical).
    private static readonly Dictionary<string, string> LevelAliases = new(StringComparer.Ordinal)
    {
        ["verbose"] = "debug",
        ["trace"] = "debug",
        ["information"] = "info",
        ["warn"] = "warning",
        ["fatal"] = "error",
        ["critical"] = "error",
    };

    // Stages every run may log, also before a line of theirs exists (so `--tail --stage report` works from the start).
    private static readonly string[] PipelineStages = ["validation", "run_setup", "pretest", "batch_analysis", "synthesis", "report", "orchestrator", "model_call"];
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

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
            if (CommandOutput.ResolveRunFolder(parse.GetValue(folder)!, out var problem) is not { } path)
            {
                return CommandOutput.Error(context, json, ExitCodes.FileMissing, problem!);
            }

            var levelName = parse.GetValue(level)!.Trim().ToLowerInvariant();
            levelName = LevelAliases.GetValueOrDefault(levelName, levelName);
            var stageName = Normalize(parse.GetValue(stage));
            if (!Levels.Contains(levelName))
            {
                var seen = Seen(path, "log_level");
                return CommandOutput.Error(context, json, ExitCodes.Usage,
                    $"--level '{parse.GetValue(level)}' is not a log level; use debug, info, warning or error{(seen.Count == 0 ? "" : $" (this run's lines are {string.Join(", ", seen)})")}.");
            }

            if (stageName is not null && !RunStages(path, withLogs: false).Contains(stageName))
            {
                // Only then read the logs for the stages their lines name (a run's logs can be large).
                var stages = RunStages(path, withLogs: true);
                if (!stages.Contains(stageName))
                {
                    return CommandOutput.Error(context, json, ExitCodes.Usage,
                        $"run {Path.GetFileName(path)} has no stage '{parse.GetValue(stage)}'; its stages are {string.Join(", ", stages)}.");
                }
            }

            var filter = new Filter(stageName, Array.IndexOf(Levels, levelName));
            var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
            Print(context, json, ReadNew(path, offsets, filter));
            if (!parse.GetValue(tail))
            {
                return ExitCodes.Success;
            }

            return await FollowAsync(context, json, path, offsets, filter, ct);
        });
        return command;
    }

    private static async Task<int> FollowAsync(CliContext context, bool json, string path, Dictionary<string, long> offsets, Filter filter, CancellationToken ct)
    {
        try
        {
            while (!IsFinal(path))
            {
                await Task.Delay(PollInterval, context.TimeProvider, ct);
                Print(context, json, ReadNew(path, offsets, filter));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }

        // Lines written while the run was finishing.
        Print(context, json, ReadNew(path, offsets, filter));
        return ExitCodes.Success;
    }

    private sealed record Filter(string? Stage, int MinimumLevel);

    /// <summary>The stages a filter may name: the run's own (its manifest), those its log lines name, and the pipeline's.</summary>
    private static List<string> RunStages(string runFolder, bool withLogs)
    {
        var stages = new List<string>();
        try
        {
            stages.AddRange(RunFolder.ReadManifestHead(Path.Combine(runFolder, RunFolder.ManifestFileName)).Stages.Select(s => Normalize(s.Name)!));
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidDataException)
        {
            // The manifest is being replaced: the pipeline's stages and the logs' own still apply.
        }

        return stages.Concat(PipelineStages).Concat(withLogs ? Seen(runFolder, "stage").Select(s => Normalize(s)!) : []).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The distinct values of one field over the run's log lines, in order of first appearance.</summary>
    private static List<string> Seen(string runFolder, string field) =>
        ReadNew(runFolder, new Dictionary<string, long>(StringComparer.Ordinal), new Filter(null, 0))
            .Select(l => ((string?)l[field])?.ToLowerInvariant())
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private static string? Normalize(string? stage) => stage?.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');

    private static bool IsFinal(string runFolder)
    {
        try
        {
            return RunStatus.IsFinal(RunFolder.ReadManifestHead(Path.Combine(runFolder, RunFolder.ManifestFileName)).Status);
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidDataException)
        {
            // The manifest is being replaced at this moment: ask again at the next poll.
            return false;
        }
    }

    /// <summary>Complete lines appended to logs/*.jsonl since the last call, in time order.</summary>
    private static List<JsonObject> ReadNew(string runFolder, Dictionary<string, long> offsets, Filter filter)
    {
        var lines = new List<JsonObject>();
        var logs = Path.Combine(runFolder, "logs");
        if (!Directory.Exists(logs))
        {
            return lines;
        }

        foreach (var file in Directory.EnumerateFiles(logs, "*.jsonl").Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = offsets.GetValueOrDefault(file);
            if (start > stream.Length)
            {
                start = 0;
            }

            stream.Seek(start, SeekOrigin.Begin);
            var bytes = new byte[stream.Length - start];
            stream.ReadExactly(bytes);
            // Only whole lines: a line still being written is read at the next poll.
            var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
            offsets[file] = start + end;
            foreach (var line in System.Text.Encoding.UTF8.GetString(bytes, 0, end).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (Parse(line) is { } entry && Matches(entry, filter))
                {
                    lines.Add(entry);
                }
            }
        }

        return lines.OrderBy(l => (string?)l["timestamp"], StringComparer.Ordinal).ToList();
    }

    private static JsonObject? Parse(string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return new JsonObject { ["log_level"] = "warning", ["message"] = $"unreadable log line: {line}" };
        }
    }

    private static bool Matches(JsonObject entry, Filter filter)
    {
        if (filter.Stage is { } stage && !string.Equals(Normalize((string?)entry["stage"]), stage, StringComparison.Ordinal))
        {
            return false;
        }

        var level = Array.IndexOf(Levels, ((string?)entry["log_level"])?.ToLowerInvariant());
        return level < 0 || level >= filter.MinimumLevel;
    }

    private static void Print(CliContext context, bool json, List<JsonObject> lines)
    {
        foreach (var line in lines)
        {
            context.Out.WriteLine(json
                ? line.ToJsonString()
                : $"{(string?)line["timestamp"]} {((string?)line["log_level"] ?? "").ToUpperInvariant(),-7} {(string?)line["stage"]} {(string?)line["agent_name"]}: {(string?)line["message"]}");
        }
    }
}
