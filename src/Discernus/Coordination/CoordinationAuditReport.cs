using System.Globalization;
using System.Text;
using System.Text.Json;
using Discernus.Provenance;

namespace Discernus.Coordination;

/// <summary>
/// What <c>discernus debug --show-redis-state</c> shows: the keyspace summarised by kind, then what is wrong with it;
/// the individual keys only when asked for.
/// </summary>
internal sealed record CoordinationAuditReport
{
    /// <summary>How many workers, runs, processing lists and keys per anomaly the text lists before "and N more".</summary>
    public const int ListLimit = 20;

    private const int KeyExamples = 5;

    public required string Prefix { get; init; }

    public required string Server { get; init; }

    /// <summary>Every key under the prefix, sorted.</summary>
    public required IReadOnlyList<AuditedKey> Keys { get; init; }

    /// <summary>Length of <c>tasks</c>: agent tasks waiting to be claimed.</summary>
    public long TasksQueued { get; init; }

    /// <summary>Length of <c>orchestrator.tasks</c>: run requests waiting for an Orchestrator.</summary>
    public long RunRequestsQueued { get; init; }

    public IReadOnlyList<AuditedProcessingList> Processing { get; init; } = [];

    /// <summary>Live heartbeats (agent loops and Orchestrators).</summary>
    public IReadOnlyList<AuditedWorker> Workers { get; init; } = [];

    /// <summary>Runs whose state is not final, with whether their Orchestrator is alive.</summary>
    public IReadOnlyList<AuditedRun> RunsInFlight { get; init; } = [];

    public AuditedTaskKeys TaskKeys { get; init; } = new() { Data = 0, Attempts = 0, OfEndedRuns = 0, OfUnknownRuns = 0 };

    public AuditedDeadList Dead { get; init; } = new() { Length = 0, Newest = [] };

    public IReadOnlyList<CoordinationAnomaly> Anomalies { get; init; } = [];

    /// <summary>Workers whose heartbeat key exists.</summary>
    public IReadOnlyList<string> LiveWorkers => Workers.Select(w => w.WorkerId).ToList();

    /// <summary>Workers with claimed tasks but no heartbeat: <see cref="OrphanRecovery"/> will requeue them.</summary>
    public IReadOnlyList<string> OrphanedWorkers => Processing.Where(p => p.Orphaned).Select(p => p.WorkerId).ToList();

    public IReadOnlyList<AuditedKey> Faults => Keys.Where(k => k.Problem is not null).ToList();

    public bool HasFaults => Keys.Any(k => k.Problem is not null);

    public string ToText(bool listKeys = false)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"Redis {Server}, prefix '{Prefix}': {Keys.Count:N0} key(s)");
        Line($"Queues: tasks {TasksQueued:N0}, orchestrator.tasks {RunRequestsQueued:N0}");

        var orphaned = Processing.Where(p => p.Orphaned).ToList();
        Line($"Processing lists: {Processing.Count:N0} holding {Processing.Sum(p => p.Items):N0} item(s); orphaned (no live heartbeat): {orphaned.Count:N0} holding {orphaned.Sum(p => p.Items):N0} item(s)");
        foreach (var list in orphaned.Take(ListLimit))
        {
            Line($"  orphaned  {list.WorkerId}  {list.Items:N0} item(s): requeued by the next orphan scan of a running Orchestrator");
        }

        More(text, orphaned.Count, "orphaned list(s)");

        Line($"Workers (live heartbeats): {Workers.Count:N0}");
        foreach (var worker in Workers.Take(ListLimit))
        {
            var where = worker.Host is null ? "heartbeat value unreadable" : $"host {worker.Host}, pid {worker.ProcessId}, since {worker.StartedAt}";
            var expires = worker.ExpiresInSeconds is { } s ? $", expires in {s:0}s" : ", no TTL";
            Line($"  {worker.WorkerId}  {where}{expires}, processing {worker.ProcessingItems:N0}");
        }

        More(text, Workers.Count, "worker(s)");

        Line($"Runs in flight: {RunsInFlight.Count:N0}");
        foreach (var run in RunsInFlight.Take(ListLimit))
        {
            var counts = run.Total is { } total ? $", {run.Completed ?? 0}/{total} done, {run.Failed ?? 0} failed" : "";
            var orchestrator = run.Orchestrator is null ? "no Orchestrator yet"
                : run.OrchestratorAlive == true ? $"Orchestrator {run.Orchestrator} alive"
                : $"Orchestrator {run.Orchestrator} gone (a live host adopts the run, or `discernus run --resume` its folder)";
            var cancel = run.CancelRequested ? ", cancel requested" : "";
            Line($"  {run.RunId}  {run.Status ?? "no status"}, stage {run.Stage ?? "-"}{counts}{cancel}; {orchestrator}");
        }

        More(text, RunsInFlight.Count, "run(s)");

        Line($"Task keys: {TaskKeys.Data:N0} data, {TaskKeys.Attempts:N0} attempts; {TaskKeys.OfEndedRuns:N0} of ended runs, {TaskKeys.OfUnknownRuns:N0} of runs with no state");

        Line($"Dead list: {Dead.Length:N0} entr{(Dead.Length == 1 ? "y" : "ies")}{(Dead.Newest.Count > 0 ? "; newest first:" : "")}");
        foreach (var entry in Dead.Newest)
        {
            Line($"  {entry.TaskId}  {entry.FailedAt}, {entry.Attempts} attempt(s), worker {entry.WorkerId}: {OneLine(entry.Error)}");
        }

        Line($"Anomalies: {(Anomalies.Count == 0 ? "none" : Anomalies.Sum(a => a.Count).ToString("N0", CultureInfo.InvariantCulture) + " key(s)")}");
        foreach (var anomaly in Anomalies.Take(listKeys ? int.MaxValue : ListLimit))
        {
            Line($"  {Label(anomaly.Kind)}: {anomaly.Message}");
            if (anomaly.Kind != CoordinationAnomalyKind.WrongType)
            {
                var shown = listKeys ? anomaly.Keys : anomaly.Keys.Take(KeyExamples).ToList();
                Line($"    {(listKeys ? "keys" : "e.g.")}: {string.Join(", ", shown)}{(shown.Count < anomaly.Keys.Count ? ", …" : "")}");
            }
        }

        if (!listKeys)
        {
            More(text, Anomalies.Count, "anomal(y/ies)");
            if (Keys.Count > 0)
            {
                text.AppendLine("List every key with --keys.");
            }

            return text.ToString();
        }

        Line($"Keys ({Keys.Count:N0}):");
        foreach (var key in Keys)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {key.Key}  {key.Type}");
            if (key.Length is { } length)
            {
                text.Append(CultureInfo.InvariantCulture, $"  length={length}");
            }

            if (key.TimeToLive is { } ttl)
            {
                text.Append(CultureInfo.InvariantCulture, $"  ttl={ttl.TotalSeconds:0}s");
            }

            if (key.ExpectedType is null)
            {
                text.Append("  (not a coordination key)");
            }
            else if (key.Problem is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"  (expected {key.ExpectedType})");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    /// <summary>The same summary as JSON (snake_case); keys are listed only with <paramref name="listKeys"/>.</summary>
    public string ToJson(bool listKeys = false) => JsonSerializer.Serialize(
        new
        {
            Prefix,
            Server,
            KeyCount = Keys.Count,
            Queues = new { Tasks = TasksQueued, OrchestratorTasks = RunRequestsQueued },
            Processing = new
            {
                Lists = Processing.Count,
                Items = Processing.Sum(p => p.Items),
                OrphanedLists = Processing.Count(p => p.Orphaned),
                OrphanedItems = Processing.Where(p => p.Orphaned).Sum(p => p.Items),
                Entries = Processing,
            },
            Workers,
            RunsInFlight,
            TaskKeys,
            Dead,
            Anomalies = Anomalies.Select(a => new
            {
                a.Kind,
                a.Count,
                a.Message,
                Keys = listKeys ? a.Keys : a.Keys.Take(KeyExamples).ToList(),
            }),
            Keys = listKeys
                ? Keys.Select(k => new { k.Key, k.Kind, k.Id, k.Type, k.ExpectedType, k.Length, TtlSeconds = k.TimeToLive?.TotalSeconds, k.Problem })
                : null,
        },
        DiscernusJson.Indented);

    private static void More(StringBuilder text, int count, string what)
    {
        if (count > ListLimit)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  … and {count - ListLimit:N0} more {what} (--format json lists them all)"));
        }
    }

    private static string Label(CoordinationAnomalyKind kind) => kind switch
    {
        CoordinationAnomalyKind.WrongType => "FAULT",
        CoordinationAnomalyKind.MissingTtl => "NO TTL",
        CoordinationAnomalyKind.NotInSchema => "NOT IN SCHEMA",
        CoordinationAnomalyKind.TaskKeysOfEndedRun => "LEFTOVER TASK KEYS",
        CoordinationAnomalyKind.TaskKeysOfUnknownRun => "TASK KEYS WITHOUT RUN",
        _ => kind.ToString(),
    };

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 200 ? line[..200] + "…" : line;
    }
}
