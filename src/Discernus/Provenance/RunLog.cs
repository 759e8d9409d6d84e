using System.Text.Json;

namespace Discernus.Provenance;

/// <summary>
/// JSONL logs of a run, one file per stage. Every line carries timestamp (ISO 8601 UTC), run_id, agent_name, stage,
/// log_level and message, plus optional fields. Secrets never reach it: callers log hashes and names, not keys.
/// </summary>
public sealed class RunLog(RunFolder folder, TimeProvider timeProvider)
{
    /// <summary>Where lines go once the manifest has hashed the logs; not listed in the manifest, so never "changed".</summary>
    public const string AfterFinalizeFile = "after_finalize";

    private readonly Lock _gate = new();
    private readonly Action<string, string>? _forward;
    private bool _sealed;

    /// <summary>
    /// A log whose lines go to <paramref name="forward"/> (file name, JSON line) instead of the folder: an agent's child
    /// process hands them to its worker, so that only one process ever appends to a run's log files.
    /// </summary>
    internal RunLog(RunFolder folder, TimeProvider timeProvider, Action<string, string> forward)
        : this(folder, timeProvider)
    {
        _forward = forward;
    }

    public RunFolder Folder => folder;

    public void Info(string stage, string agentName, string message, IReadOnlyDictionary<string, object?>? fields = null) =>
        Write(stage, agentName, "info", message, fields);

    public void Warning(string stage, string agentName, string message, IReadOnlyDictionary<string, object?>? fields = null) =>
        Write(stage, agentName, "warning", message, fields);

    public void Error(string stage, string agentName, string message, IReadOnlyDictionary<string, object?>? fields = null) =>
        Write(stage, agentName, "error", message, fields);

    public void Write(string stage, string agentName, string level, string message, IReadOnlyDictionary<string, object?>? fields = null) =>
        Append(stage, new Dictionary<string, object?>
        {
            ["timestamp"] = IsoTime.Format(timeProvider.GetUtcNow()),
            ["run_id"] = folder.RunId,
            ["agent_name"] = agentName,
            ["stage"] = stage,
            ["log_level"] = level,
            ["message"] = message,
        }.Concat(fields ?? new Dictionary<string, object?>()).ToDictionary());

    /// <summary>From now on every line goes to <see cref="AfterFinalizeFile"/>; the other files no longer change.</summary>
    public void Seal()
    {
        lock (_gate)
        {
            _sealed = true;
        }
    }

    /// <summary>Appends one JSON object as a line to <c>logs/&lt;file&gt;.jsonl</c>.</summary>
    public void Append(string file, IReadOnlyDictionary<string, object?> line) =>
        AppendJson(file, JsonSerializer.Serialize(line, DiscernusJson.Compact));

    /// <summary>Appends one line that is already a compact JSON object (a line a child agent process sent).</summary>
    internal void AppendJson(string file, string json)
    {
        if (_forward is not null)
        {
            _forward(file, json);
            return;
        }

        lock (_gate)
        {
            Directory.CreateDirectory(folder.LogsDirectory);
            File.AppendAllText(Path.Combine(folder.LogsDirectory, (_sealed ? AfterFinalizeFile : file) + ".jsonl"), json + "\n");
        }
    }
}
