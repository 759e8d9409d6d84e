using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>Which log lines `logs` shows: one stage (normalised, or all) and the least level, as an index into <see cref="RunLogs.Levels"/>.</summary>
public sealed record LogFilter(string? Stage, int MinimumLevel);

/// <summary>
/// A run's log lines (logs/*.jsonl) in time order, filtered by stage and level, read once or followed until the run
/// ends. A stage or level the run does not have is refused with the ones it has, never answered with an empty listing
/// that looks like "nothing happened". Each instance remembers how far it has read each file.
/// </summary>
public sealed class RunLogs(string runFolder)
{
    public static readonly IReadOnlyList<string> Levels = ["debug", "info", "warning", "error"];

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

    private readonly Dictionary<string, long> _offsets = new(StringComparer.Ordinal);

    /// <summary>The filter for a stage and level as typed, or the problem with them (a usage error).</summary>
    public static (LogFilter? Filter, string? Problem) FilterFor(string runFolder, string? stage, string level)
    {
        var levelName = level.Trim().ToLowerInvariant();
        levelName = LevelAliases.GetValueOrDefault(levelName, levelName);
        if (!Levels.Contains(levelName))
        {
            var seen = Seen(runFolder, "log_level");
            return (null, $"--level '{level}' is not a log level; use debug, info, warning or error{(seen.Count == 0 ? "" : $" (this run's lines are {string.Join(", ", seen)})")}.");
        }

        var stageName = Normalize(stage);
        if (stageName is not null && !RunStages(runFolder, withLogs: false).Contains(stageName))
        {
            // Only then read the logs for the stages their lines name (a run's logs can be large).
            var stages = RunStages(runFolder, withLogs: true);
            if (!stages.Contains(stageName))
            {
                return (null, $"run {Path.GetFileName(runFolder)} has no stage '{stage}'; its stages are {string.Join(", ", stages)}.");
            }
        }

        return (new LogFilter(stageName, Levels.ToList().IndexOf(levelName)), null);
    }

    /// <summary>Complete lines appended to logs/*.jsonl since the last call, in time order.</summary>
    public IReadOnlyList<JsonObject> ReadNew(LogFilter filter)
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
            var start = _offsets.GetValueOrDefault(file);
            if (start > stream.Length)
            {
                start = 0;
            }

            stream.Seek(start, SeekOrigin.Begin);
            var bytes = new byte[stream.Length - start];
            stream.ReadExactly(bytes);
            // Only whole lines: a line still being written is read at the next poll.
            var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
            _offsets[file] = start + end;
            lines.AddRange(System.Text.Encoding.UTF8.GetString(bytes, 0, end).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(Parse).OfType<JsonObject>().Where(entry => Matches(entry, filter)));
        }

        return [.. lines.OrderBy(l => (string?)l["timestamp"], StringComparer.Ordinal)];
    }

    /// <summary>The lines written from now on, a batch per poll, until the run has ended (then the lines it wrote while finishing).</summary>
    public async IAsyncEnumerable<IReadOnlyList<JsonObject>> FollowAsync(LogFilter filter, TimeProvider time, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!IsFinal())
        {
            await Task.Delay(PollInterval, time, cancellationToken);
            yield return ReadNew(filter);
        }

        yield return ReadNew(filter);
    }

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
        new RunLogs(runFolder).ReadNew(new LogFilter(null, 0))
            .Select(l => ((string?)l[field])?.ToLowerInvariant())
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private static string? Normalize(string? stage) => stage?.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');

    private bool IsFinal()
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

    private static bool Matches(JsonObject entry, LogFilter filter)
    {
        if (filter.Stage is { } stage && !string.Equals(Normalize((string?)entry["stage"]), stage, StringComparison.Ordinal))
        {
            return false;
        }

        var level = Levels.ToList().IndexOf(((string?)entry["log_level"])?.ToLowerInvariant() ?? "");
        return level < 0 || level >= filter.MinimumLevel;
    }
}
