using System.Text;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// The coordination key schema of ARCHITECTURE.md. Every key lives under one prefix so that one Redis can host
/// several installations (and every test its own namespace) and clean-up never needs FLUSHDB.
/// </summary>
internal sealed class RedisKeys
{
    public const string DefaultPrefix = "discernus:";
    public const string PrefixEnvironmentVariable = "DISCERNUS_REDIS_PREFIX";

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

    public string Processing(string workerId) => Prefix + "processing:" + Segment(workerId, nameof(workerId));

    public string TaskData(string taskId) => Prefix + "task:" + Segment(taskId, nameof(taskId)) + ":data";

    public string TaskAttempts(string taskId) => Prefix + "task:" + Segment(taskId, nameof(taskId)) + ":attempts";

    public string RunDone(string runId) => Prefix + "run:" + Segment(runId, nameof(runId)) + ":done";

    /// <summary>Signals the Orchestrator has taken from run:{id}:done: its durable record, replayed after a lost reply or by an adopting host.</summary>
    public string RunCompleted(string runId) => Prefix + "run:" + Segment(runId, nameof(runId)) + ":completed";

    public string RunState(string runId) => Prefix + "run:" + Segment(runId, nameof(runId)) + ":state";

    public string Worker(string workerId) => Prefix + "worker:" + Segment(workerId, nameof(workerId));

    /// <summary>SCAN MATCH pattern for every processing list under this prefix (glob characters in the prefix escaped).</summary>
    public string ProcessingPattern => EscapeGlob(Prefix) + "processing:*";

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
    public RedisType? ExpectedTypeOf(string key)
    {
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = key[Prefix.Length..];
        if (rest is "orchestrator.tasks" or "tasks" or "dead" || rest.StartsWith("processing:", StringComparison.Ordinal))
        {
            return RedisType.List;
        }

        if (rest.StartsWith("worker:", StringComparison.Ordinal))
        {
            return RedisType.String;
        }

        if (rest.StartsWith("task:", StringComparison.Ordinal))
        {
            if (rest.EndsWith(":data", StringComparison.Ordinal) || rest.EndsWith(":attempts", StringComparison.Ordinal))
            {
                return RedisType.String;
            }
        }

        if (rest.StartsWith("run:", StringComparison.Ordinal))
        {
            if (rest.EndsWith(":done", StringComparison.Ordinal) || rest.EndsWith(":completed", StringComparison.Ordinal))
            {
                return RedisType.List;
            }

            if (rest.EndsWith(":state", StringComparison.Ordinal))
            {
                return RedisType.Hash;
            }
        }

        return null;
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
