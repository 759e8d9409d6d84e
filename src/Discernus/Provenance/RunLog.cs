using System.Text.Json;

namespace Discernus.Provenance;

/// <summary>
/// JSONL logs of a run, one file per stage. Every line carries timestamp (ISO 8601 UTC), run_id, agent_name, stage,
/// log_level and message, plus optional fields. Secrets never reach it: callers log hashes and names, not keys.
/// </summary>
internal sealed class RunLog(RunFolder folder, TimeProvider timeProvider) : IDisposable
{
    /// <summary>Where lines go once the manifest has hashed the logs; not listed in the manifest, so never "changed".</summary>
    public const string AfterFinalizeFile = "after_finalize";

    private readonly Lock _gate = new();
    private readonly Action<string, string>? _forward;

    // One open, unbuffered stream per file: a line is one write call (visible to readers at once), not an
    // open-write-close, which under many concurrent agents made the lock the bottleneck of a run.
    private readonly Dictionary<string, FileStream> _streams = new(StringComparer.Ordinal);
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
            CloseStreams();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            CloseStreams();
        }
    }

    /// <summary>Appends one JSON object as a line to <c>logs/&lt;file&gt;.jsonl</c>.</summary>
    public void Append(string file, IReadOnlyDictionary<string, object?> line) =>
        AppendUtf8(file, JsonSerializer.SerializeToUtf8Bytes(line, DiscernusJson.Compact));

    /// <summary>
    /// Appends one line that is already a compact JSON object (a line a child agent process sent). Only one process
    /// appends to a run's logs: each file stays open here, and a second writer's lines would overwrite ours.
    /// </summary>
    internal void AppendJson(string file, string json) => AppendUtf8(file, System.Text.Encoding.UTF8.GetBytes(json));

    private void AppendUtf8(string file, byte[] json)
    {
        if (_forward is not null)
        {
            _forward(file, System.Text.Encoding.UTF8.GetString(json));
            return;
        }

        byte[] bytes = [.. json, (byte)'\n'];
        lock (_gate)
        {
            var name = _sealed ? AfterFinalizeFile : file;
            if (!_streams.TryGetValue(name, out var stream))
            {
                Directory.CreateDirectory(folder.LogsDirectory);
                stream = new FileStream(Path.Combine(folder.LogsDirectory, name + ".jsonl"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
                _streams[name] = stream;
            }

            stream.Write(bytes);
        }
    }

    private void CloseStreams()
    {
        foreach (var stream in _streams.Values)
        {
            stream.Dispose();
        }

        _streams.Clear();
    }
}
