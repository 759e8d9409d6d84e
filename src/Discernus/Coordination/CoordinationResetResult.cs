using System.Globalization;
using System.Text;
using System.Text.Json;
using Discernus.Provenance;

namespace Discernus.Coordination;

/// <summary>What <c>discernus debug --reset</c> did, or why it refused.</summary>
internal sealed record CoordinationResetResult
{
    public required string Prefix { get; init; }

    public required string Server { get; init; }

    /// <summary>True when work was in flight and <c>--force</c> was not given: nothing was deleted.</summary>
    public required bool Refused { get; init; }

    /// <summary>Runs not ended whose Orchestrator is alive.</summary>
    public IReadOnlyList<AuditedRun> RunsInFlight { get; init; } = [];

    /// <summary>Live workers (or Orchestrators) holding claimed items.</summary>
    public IReadOnlyList<AuditedWorker> BusyWorkers { get; init; } = [];

    /// <summary>Runs not ended whose Orchestrator is gone: their state was deleted (or would be) with the rest.</summary>
    public IReadOnlyList<AuditedRun> AbandonedRuns { get; init; } = [];

    /// <summary>Keys deleted, by kind.</summary>
    public IReadOnlyDictionary<RedisKeyKind, long> Deleted { get; init; } = new Dictionary<RedisKeyKind, long>();

    public long DeletedTotal => Deleted.Values.Sum();

    public bool WorkInFlight => RunsInFlight.Count > 0 || BusyWorkers.Count > 0;

    public string ToText()
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        if (Refused)
        {
            Line($"Not resetting prefix '{Prefix}' on {Server}: work is in flight.");
        }
        else if (WorkInFlight)
        {
            Line($"--force: deleting although work is in flight; each of these runs' Orchestrators notices within a second and rebuilds it from its run folder (every task without a result is queued again), and these workers' claims are discarded:");
        }

        foreach (var run in RunsInFlight)
        {
            Line($"  run {run.RunId}: {run.Status ?? "no status"}, stage {run.Stage ?? "-"}, Orchestrator {run.Orchestrator} alive{(run.RunFolder is { } folder ? $", folder {folder}" : "")}");
        }

        foreach (var worker in BusyWorkers)
        {
            var where = worker.Host is null ? "" : $" (host {worker.Host}, pid {worker.ProcessId})";
            Line($"  worker {worker.WorkerId}{where} holds {worker.ProcessingItems:N0} claimed item(s)");
        }

        if (Refused)
        {
            text.AppendLine("Stop them first (Ctrl-C the `discernus run`, stop the `discernus worker` processes) and try again, or pass --force to delete their keys anyway (their Orchestrators then rebuild them from their run folders).");
            return text.ToString();
        }

        Line($"Deleted {DeletedTotal:N0} key(s) under prefix '{Prefix}' on {Server}{(DeletedTotal == 0 ? "." : ":")}");
        foreach (var (kind, count) in Deleted.Where(d => d.Value > 0).OrderBy(d => d.Key))
        {
            Line($"  {RedisKeyKindNames.Describe(kind)}: {count:N0}");
        }

        if (AbandonedRuns.Count > 0)
        {
            Line($"{AbandonedRuns.Count:N0} unfinished run(s) had no live Orchestrator; their Redis state is gone, their run folders remain (continue one with `discernus run --resume <folder>`):");
            foreach (var run in AbandonedRuns)
            {
                Line($"  {run.RunId}: {run.Status ?? "no status"}{(run.RunFolder is { } folder ? $", folder {folder}" : "")}");
            }
        }

        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            Prefix,
            Server,
            Refused,
            RunsInFlight,
            BusyWorkers,
            AbandonedRuns,
            Deleted = Deleted.Where(d => d.Value > 0).OrderBy(d => d.Key).ToDictionary(d => RedisKeyKindNames.JsonName(d.Key), d => d.Value, StringComparer.Ordinal),
            DeletedTotal,
        },
        DiscernusJson.Indented);
}
