using System.Text;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// The coordination key schema of ARCHITECTURE.md. Every key lives under one prefix so that one Redis can host
/// several installations (and every test its own namespace) and clean-up never needs FLUSHDB.
/// </summary>
internal sealed class RedisKeys
{
    public const string DefaultPrefix = Configuration.RedisSettings.DefaultPrefix;
    public const string PrefixEnvironmentVariable = Configuration.RedisSettings.PrefixVariable;

    private static readonly (string Suffix, RedisKeyKind Kind)[] RunSuffixes =
    [
        (":state", RedisKeyKind.RunState),
        (":done", RedisKeyKind.RunDone),
        (":completed", RedisKeyKind.RunCompleted),
        (":calls", RedisKeyKind.RunCalls),
    ];

    public RedisKeys(string prefix = DefaultPrefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0 || prefix.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException(
                $"The Redis key prefix '{prefix}' is invalid: it must be non-empty and contain no white space (set {PrefixEnvironmentVariable}, e.g. 'discernus:').",
                nameof(prefix));
        }

        Prefix = prefix;
    }

    public string Prefix { get; }

    /// <summary>List of run requests from the CLI for the Orchestrator.</summary>
    public string OrchestratorTasks => Prefix + "orchestrator.tasks";

    /// <summary>List of agent task ids waiting to be claimed.</summary>
    public string Tasks => Prefix + "tasks";

    /// <summary>List of dead-letter entries: tasks that failed past their attempt limit, with the last error.</summary>
    public string Dead => Prefix + "dead";

    /// <summary>Set by `debug --reset` before it deletes, with a time to live: see <see cref="RedisKeyKind.Reset"/>.</summary>
    public string Reset => Prefix + "reset";

    public string Processing(string workerId) => Prefix + "processing:" + Segment(workerId, nameof(workerId));

    public string TaskData(string taskId) => Prefix + "task:" + Segment(taskId, nameof(taskId)) + ":data";

    public string TaskAttempts(string taskId) => Prefix + "task:" + Segment(taskId, nameof(taskId)) + ":attempts";

    public string RunDone(string runId) => Prefix + "run:" + Segment(runId, nameof(runId)) + ":done";

    /// <summary>Signals the Orchestrator has taken from run:{id}:done: its durable record, replayed after a lost reply or by an adopting host.</summary>
    public string RunCompleted(string runId) => Prefix + "run:" + Segment(runId, nameof(runId)) + ":completed";

    /// <summary>Model call records (starts and ends) pushed by workers for a run whose folder they cannot write; its Orchestrator logs them.</summary>
    public string RunCalls(string runId) => Prefix + "run:" + Segment(runId, nameof(runId)) + ":calls";

    public string RunState(string runId) => Prefix + "run:" + Segment(runId, nameof(runId)) + ":state";

    public string Worker(string workerId) => Prefix + "worker:" + Segment(workerId, nameof(workerId));

    /// <summary>Hash holding one token bucket of the shared model rate limits (tokens, last refill in ms), with a TTL.</summary>
    public string RateLimit(string bucket) => Prefix + "ratelimit:" + Segment(bucket, nameof(bucket));

    /// <summary>SCAN MATCH pattern for every processing list under this prefix (glob characters in the prefix escaped).</summary>
    public string ProcessingPattern => EscapeGlob(Prefix) + "processing:*";

    /// <summary>SCAN MATCH pattern for every heartbeat key under this prefix.</summary>
    public string WorkerPattern => EscapeGlob(Prefix) + "worker:*";

    /// <summary>SCAN MATCH pattern for every key under this prefix.</summary>
    public string AllKeysPattern => EscapeGlob(Prefix) + "*";

    public bool TryGetProcessingWorker(string key, out string workerId)
    {
        var head = Prefix + "processing:";
        if (key.StartsWith(head, StringComparison.Ordinal) && key.Length > head.Length)
        {
            workerId = key[head.Length..];
            return true;
        }

        workerId = "";
        return false;
    }

    /// <summary>
    /// The Redis type the schema expects for <paramref name="key"/>, or null when the key is not part of the schema
    /// (the audit lists such keys without calling them faults).
    /// </summary>
    public RedisType? ExpectedTypeOf(string key) => ExpectedTypeOf(Classify(key).Kind);

    public static RedisType? ExpectedTypeOf(RedisKeyKind kind) => kind switch
    {
        RedisKeyKind.OrchestratorTasks or RedisKeyKind.Tasks or RedisKeyKind.Dead or RedisKeyKind.Processing
            or RedisKeyKind.RunDone or RedisKeyKind.RunCompleted or RedisKeyKind.RunCalls => RedisType.List,
        RedisKeyKind.Worker or RedisKeyKind.TaskData or RedisKeyKind.TaskAttempts or RedisKeyKind.Reset => RedisType.String,
        RedisKeyKind.RunState or RedisKeyKind.RateLimit => RedisType.Hash,
        _ => null,
    };

    /// <summary>Which schema key <paramref name="key"/> is, with its id; <see cref="SchemaKey.Unknown"/> for anything else under (or outside) the prefix.</summary>
    public SchemaKey Classify(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return SchemaKey.Unknown;
        }

        var rest = key.AsSpan(Prefix.Length);
        switch (rest)
        {
            case "orchestrator.tasks":
                return new SchemaKey(RedisKeyKind.OrchestratorTasks, null, null);
            case "tasks":
                return new SchemaKey(RedisKeyKind.Tasks, null, null);
            case "dead":
                return new SchemaKey(RedisKeyKind.Dead, null, null);
            case "reset":
                return new SchemaKey(RedisKeyKind.Reset, null, null);
        }

        if (Tail(rest, "processing:") is { } worker)
        {
            return new SchemaKey(RedisKeyKind.Processing, worker, null);
        }

        if (Tail(rest, "ratelimit:") is { } bucket)
        {
            return new SchemaKey(RedisKeyKind.RateLimit, bucket, null);
        }

        if (Tail(rest, "worker:") is { } heartbeat)
        {
            return new SchemaKey(RedisKeyKind.Worker, heartbeat, null);
        }

        if (Between(rest, "task:", ":data") is { } dataTask)
        {
            return new SchemaKey(RedisKeyKind.TaskData, dataTask, RunOfTask(dataTask));
        }

        if (Between(rest, "task:", ":attempts") is { } attemptsTask)
        {
            return new SchemaKey(RedisKeyKind.TaskAttempts, attemptsTask, RunOfTask(attemptsTask));
        }

        foreach (var (suffix, kind) in RunSuffixes)
        {
            if (Between(rest, "run:", suffix) is { } run)
            {
                return new SchemaKey(kind, run, run);
            }
        }

        return SchemaKey.Unknown;
    }

    public override string ToString() => Prefix;

    private static string Segment(string value, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        if (value.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"The {name} '{value}' must not contain white space: it becomes part of a Redis key.", name);
        }

        return value;
    }

    private static string? Tail(ReadOnlySpan<char> rest, string head) =>
        rest.StartsWith(head, StringComparison.Ordinal) && rest.Length > head.Length ? rest[head.Length..].ToString() : null;

    private static string? Between(ReadOnlySpan<char> rest, string head, string suffix) =>
        rest.Length > head.Length + suffix.Length && rest.StartsWith(head, StringComparison.Ordinal) && rest.EndsWith(suffix, StringComparison.Ordinal)
            ? rest[head.Length..^suffix.Length].ToString()
            : null;

    // The run-request queue keeps its items' data under task:{run_id}:data, as OrphanRecovery reads any id that is not a task id as a run id.
    private static string RunOfTask(string taskId) => TaskIds.TryParse(taskId, out var parts) ? parts.RunId : taskId;

    private static string EscapeGlob(string text)
    {
        var builder = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
