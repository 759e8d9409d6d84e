using System.Text.Json;
using Discernus.Coordination;
using StackExchange.Redis;

namespace Discernus.Tests.Coordination;

/// <summary>The audit behind `debug --show-redis-state` and the reset behind `debug --reset`, on every server.</summary>
public abstract partial class CoordinationContractTests
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    [Fact]
    public async Task Audit_SummarisesAPreparedKeyspaceByKind()
    {
        await PrepareKeyspaceAsync();

        var report = await new CoordinationAudit(Connections, Keys).InspectAsync();

        Assert.Equal(3, report.TasksQueued);
        Assert.Equal(1, report.RunRequestsQueued);

        Assert.Equal(3, report.Processing.Count);
        Assert.Equal(2 + 3 + 1, report.Processing.Sum(p => p.Items));
        var orphaned = Assert.Single(report.Processing, p => p.Orphaned);
        Assert.Equal(("w-gone", 3L), (orphaned.WorkerId, orphaned.Items));
        Assert.Equal(["w-gone"], report.OrphanedWorkers);

        Assert.Equal(["orch-live", "w-immortal", "w-live"], report.Workers.Select(w => w.WorkerId));
        Assert.Null(report.Workers.Single(w => w.WorkerId == "w-immortal").Host);
        var worker = report.Workers.Single(w => w.WorkerId == "w-live");
        Assert.Equal(Environment.MachineName, worker.Host);
        Assert.Equal(Environment.ProcessId, worker.ProcessId);
        Assert.Equal(2, worker.ProcessingItems);
        Assert.InRange(worker.ExpiresInSeconds!.Value, 1, 60);
        Assert.Equal(1, report.Workers.Single(w => w.WorkerId == "orch-live").ProcessingItems);

        Assert.Equal(["run-live", "run-orphan"], report.RunsInFlight.Select(r => r.RunId));
        var live = report.RunsInFlight[0];
        Assert.Equal(("running", "batch_analysis", 10, 4, 1), (live.Status, live.Stage, live.Total!.Value, live.Completed!.Value, live.Failed!.Value));
        Assert.Equal(("orch-live", true), (live.Orchestrator, live.OrchestratorAlive!.Value));
        Assert.Equal(("orch-gone", false), (report.RunsInFlight[1].Orchestrator, report.RunsInFlight[1].OrchestratorAlive!.Value));

        // run-live: 2 data + 1 attempts (+1 data without TTL); run-ended: 2 data + 1 attempts; run-forgotten: 1 data.
        Assert.Equal(6, report.TaskKeys.Data);
        Assert.Equal(2, report.TaskKeys.Attempts);
        Assert.Equal(3, report.TaskKeys.OfEndedRuns);
        Assert.Equal(1, report.TaskKeys.OfUnknownRuns);

        Assert.Equal(3, report.Dead.Length);
        Assert.Equal(3, report.Dead.Newest.Count);
        Assert.StartsWith("not a dead-letter record", report.Dead.Newest[0].Error, StringComparison.Ordinal);
        Assert.Equal("run-ended:analyse_document:9", report.Dead.Newest[1].TaskId);
        Assert.Equal("boom 9", report.Dead.Newest[1].Error);

        var wrongType = Assert.Single(report.Anomalies, a => a.Kind == CoordinationAnomalyKind.WrongType);
        Assert.Equal([Keys.RunDone("run-x")], wrongType.Keys);
        Assert.Contains($"DEL {Keys.RunDone("run-x")}", wrongType.Message, StringComparison.Ordinal);
        var noTtl = report.Anomalies.Where(a => a.Kind == CoordinationAnomalyKind.MissingTtl).SelectMany(a => a.Keys).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { Keys.TaskData("run-live:analyse_document:3"), Keys.RunDone("run-ended"), Keys.Worker("w-immortal") }.Order(StringComparer.Ordinal), noTtl);
        Assert.Equal([Keys.Prefix + "something-else"], Assert.Single(report.Anomalies, a => a.Kind == CoordinationAnomalyKind.NotInSchema).Keys);
        var leftover = Assert.Single(report.Anomalies, a => a.Kind == CoordinationAnomalyKind.TaskKeysOfEndedRun);
        Assert.Equal(3, leftover.Count);
        Assert.Contains("run-ended", leftover.Message, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single(report.Anomalies, a => a.Kind == CoordinationAnomalyKind.TaskKeysOfUnknownRun).Count);
        Assert.True(report.HasFaults);
    }

    [Fact]
    public async Task AuditText_ListsIndividualKeysOnlyWhenAsked()
    {
        await PrepareKeyspaceAsync();
        var healthyKey = Keys.TaskData("run-live:analyse_document:1");

        var report = await new CoordinationAudit(Connections, Keys).InspectAsync();
        var summary = report.ToText();
        var everything = report.ToText(listKeys: true);

        Assert.Contains("Queues: tasks 3, orchestrator.tasks 1", summary, StringComparison.Ordinal);
        Assert.Contains("orphaned (no live heartbeat): 1 holding 3 item(s)", summary, StringComparison.Ordinal);
        Assert.Contains("Runs in flight: 2", summary, StringComparison.Ordinal);
        Assert.Contains("Orchestrator orch-gone gone", summary, StringComparison.Ordinal);
        Assert.Contains("Task keys: 6 data, 2 attempts; 3 of ended runs, 1 of runs with no state", summary, StringComparison.Ordinal);
        Assert.Contains("FAULT:", summary, StringComparison.Ordinal);
        Assert.DoesNotContain(healthyKey, summary, StringComparison.Ordinal);
        Assert.Contains(healthyKey, everything, StringComparison.Ordinal);
        Assert.Equal(report.Keys.Count, everything.Split('\n').Count(line => line.StartsWith("  " + Keys.Prefix, StringComparison.Ordinal)));

        using var json = JsonDocument.Parse(report.ToJson());
        Assert.Equal(3, json.RootElement.GetProperty("queues").GetProperty("tasks").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("keys").ValueKind);
        Assert.Equal("wrong_type", json.RootElement.GetProperty("anomalies")[0].GetProperty("kind").GetString());
        using var withKeys = JsonDocument.Parse(report.ToJson(listKeys: true));
        Assert.Equal(report.Keys.Count, withKeys.RootElement.GetProperty("keys").GetArrayLength());
    }

    [Fact]
    public async Task Reset_DeletesOnlyKeysUnderThePrefix_AndCountsThemByKind()
    {
        // A prefix with glob characters: unescaped, its SCAN pattern would also match the neighbour's keys.
        var keys = new RedisKeys(Keys.Prefix.TrimEnd(':') + "[a]:");
        var neighbour = Keys.Prefix.TrimEnd(':') + "a:tasks";
        var outside = "outside-" + Keys.Prefix + "tasks";
        await Db.ListLeftPushAsync(keys.Tasks, ["t1", "t2"]);
        await Db.ListLeftPushAsync(keys.Processing("w-gone"), "t3");
        await Db.StringSetAsync(keys.TaskData("run-a:analyse_document:1"), "{}", Day);
        await Db.StringSetAsync(keys.TaskData("run-a:analyse_document:2"), "{}", Day);
        await Db.StringSetAsync(keys.TaskAttempts("run-a:analyse_document:1"), "1", Day);
        await Db.HashSetAsync(keys.RunState("run-a"), [new HashEntry("status", "completed")]);
        await Db.StringSetAsync(keys.Prefix + "stray", "1");
        await Db.StringSetAsync(neighbour, "keep me");
        await Db.StringSetAsync(outside, "keep me too");
        try
        {
            var result = await new CoordinationReset(Connections, keys).ResetAsync(force: false);

            Assert.False(result.Refused);
            Assert.Equal(7, result.DeletedTotal);
            Assert.Equal(1, result.Deleted[RedisKeyKind.Tasks]);
            Assert.Equal(1, result.Deleted[RedisKeyKind.Processing]);
            Assert.Equal(2, result.Deleted[RedisKeyKind.TaskData]);
            Assert.Equal(1, result.Deleted[RedisKeyKind.TaskAttempts]);
            Assert.Equal(1, result.Deleted[RedisKeyKind.RunState]);
            Assert.Equal(1, result.Deleted[RedisKeyKind.Unknown]);
            await foreach (var key in RedisScan.KeysAsync(Db, keys.AllKeysPattern))
            {
                // Only the reset's own marker stays, and only for a while (claims in flight learn from it that their
                // contract was wiped, RedisKeyKind.Reset).
                Assert.Equal(keys.Reset, key.ToString());
            }

            var markerLife = await Db.KeyTimeToLiveAsync(keys.Reset);
            Assert.True(markerLife is { } life && life > TimeSpan.Zero && life <= CoordinationReset.MarkerLifetime, $"reset marker TTL {markerLife}");

            Assert.Equal("keep me", await Db.StringGetAsync(neighbour));
            Assert.Equal("keep me too", await Db.StringGetAsync(outside));
            Assert.Contains("task data: 2", result.ToText(), StringComparison.Ordinal);
        }
        finally
        {
            await Db.KeyDeleteAsync([neighbour, outside]);
        }
    }

    [Fact]
    public async Task Reset_RefusesWhileARunIsInFlight_AndDeletesWithForce()
    {
        await SetRunStateAsync("run-live", "running", orchestrator: "orch-live");
        await BeatAsync("orch-live");
        await Db.StringSetAsync(Keys.TaskData("run-live:analyse_document:1"), "{}", Day);
        var reset = new CoordinationReset(Connections, Keys);

        var refused = await reset.ResetAsync(force: false);

        Assert.True(refused.Refused);
        Assert.Equal("run-live", Assert.Single(refused.RunsInFlight).RunId);
        Assert.Equal(0, refused.DeletedTotal);
        Assert.Contains("run run-live", refused.ToText(), StringComparison.Ordinal);
        Assert.Contains("--force", refused.ToText(), StringComparison.Ordinal);
        Assert.True(await Db.KeyExistsAsync(Keys.TaskData("run-live:analyse_document:1")));

        var forced = await reset.ResetAsync(force: true);

        Assert.False(forced.Refused);
        Assert.Equal(3, forced.DeletedTotal);
        Assert.False(await Db.KeyExistsAsync(Keys.RunState("run-live")));
        Assert.False(await Db.KeyExistsAsync(Keys.Worker("orch-live")));
    }

    [Fact]
    public async Task Reset_RefusesWhileALiveWorkerHoldsClaims()
    {
        await BeatAsync("w-live");
        await Db.ListLeftPushAsync(Keys.Processing("w-live"), "run-a:analyse_document:1");

        var result = await new CoordinationReset(Connections, Keys).ResetAsync(force: false);

        Assert.True(result.Refused);
        var busy = Assert.Single(result.BusyWorkers);
        Assert.Equal(("w-live", 1L, Environment.ProcessId), (busy.WorkerId, busy.ProcessingItems, busy.ProcessId!.Value));
        Assert.Equal(1, await Db.ListLengthAsync(Keys.Processing("w-live")));
    }

    [Fact]
    public async Task Reset_Proceeds_WhenRunsEndedOrTheirOrchestratorIsGone_AndIdleWorkersLive()
    {
        await SetRunStateAsync("run-ended", "failed", orchestrator: "orch-live");
        await SetRunStateAsync("run-orphan", "running", orchestrator: "orch-gone");
        await BeatAsync("orch-live");
        await BeatAsync("w-idle");
        await Db.ListLeftPushAsync(Keys.Processing("w-gone"), "run-orphan:analyse_document:1");

        var result = await new CoordinationReset(Connections, Keys).ResetAsync(force: false);

        Assert.False(result.Refused);
        Assert.Empty(result.RunsInFlight);
        Assert.Equal("run-orphan", Assert.Single(result.AbandonedRuns).RunId);
        Assert.Equal(5, result.DeletedTotal);
        Assert.Contains("run-orphan", result.ToText(), StringComparison.Ordinal);
    }

    /// <summary>One key or more of every kind, healthy and not.</summary>
    private async Task PrepareKeyspaceAsync()
    {
        await Db.ListLeftPushAsync(Keys.Tasks, ["run-live:analyse_document:5", "run-live:analyse_document:6", "run-live:analyse_document:7"]);
        await Db.ListLeftPushAsync(Keys.OrchestratorTasks, "{\"run_id\":\"run-queued\"}");

        await BeatAsync("w-live");
        await Db.ListLeftPushAsync(Keys.Processing("w-live"), ["run-live:analyse_document:1", "run-live:analyse_document:2"]);
        await Db.ListLeftPushAsync(Keys.Processing("w-gone"), ["run-orphan:analyse_document:1", "run-orphan:analyse_document:2", "run-orphan:analyse_document:3"]);
        await BeatAsync("orch-live");
        await Db.ListLeftPushAsync(Keys.Processing("orch-live"), "run-next");
        await Db.StringSetAsync(Keys.Worker("w-immortal"), "{}"); // a heartbeat without TTL

        await SetRunStateAsync("run-live", "running", orchestrator: "orch-live", total: 10, completed: 4, failed: 1);
        await SetRunStateAsync("run-orphan", "running", orchestrator: "orch-gone");
        await SetRunStateAsync("run-ended", "completed", orchestrator: "orch-live");
        await Db.KeyExpireAsync(Keys.RunState("run-ended"), TimeSpan.FromDays(7));
        await Db.ListLeftPushAsync(Keys.RunDone("run-ended"), "{}"); // re-created without TTL after the run ended

        await Db.StringSetAsync(Keys.TaskData("run-live:analyse_document:1"), "{}", Day);
        await Db.StringSetAsync(Keys.TaskData("run-live:analyse_document:2"), "{}", Day);
        await Db.StringSetAsync(Keys.TaskAttempts("run-live:analyse_document:1"), "1", Day);
        await Db.StringSetAsync(Keys.TaskData("run-live:analyse_document:3"), "{}"); // no TTL
        await Db.StringSetAsync(Keys.TaskData("run-ended:analyse_document:8"), "{}", Day);
        await Db.StringSetAsync(Keys.TaskData("run-ended:analyse_document:9"), "{}", Day);
        await Db.StringSetAsync(Keys.TaskAttempts("run-ended:analyse_document:9"), "5", Day);
        await Db.StringSetAsync(Keys.TaskData("run-forgotten:analyse_document:1"), "{}", Day);

        foreach (var n in new[] { 8, 9 })
        {
            await Db.ListLeftPushAsync(Keys.Dead, CoordinationJson.Serialize(new DeadLetterEntry
            {
                TaskId = $"run-ended:analyse_document:{n}",
                RunId = "run-ended",
                Source = Keys.Tasks,
                WorkerId = "w-live",
                Error = $"boom {n}",
                Attempts = 5,
                FailedAt = "2026-11-24T10:15:00Z",
            }));
        }

        await Db.ListLeftPushAsync(Keys.Dead, "not json");

        await Db.HashSetAsync(Keys.RunDone("run-x"), [new HashEntry("a", "b")]); // wrong type
        await Db.StringSetAsync(Keys.Prefix + "something-else", "1");
    }

    private async Task SetRunStateAsync(string runId, string status, string orchestrator, int? total = null, int? completed = null, int? failed = null)
    {
        var fields = new List<HashEntry>
        {
            new(RunStateFields.Status, status),
            new(RunStateFields.Stage, "batch_analysis"),
            new(RunStateFields.Orchestrator, orchestrator),
            new(RunStateFields.RunFolder, "/runs/" + runId),
        };
        if (total is { } t)
        {
            fields.Add(new HashEntry(RunStateFields.Total, t));
            fields.Add(new HashEntry(RunStateFields.Completed, completed ?? 0));
            fields.Add(new HashEntry(RunStateFields.Failed, failed ?? 0));
        }

        await Db.HashSetAsync(Keys.RunState(runId), fields.ToArray());
    }

    /// <summary>One beat of a real heartbeat (host, pid, TTL), without its background loop.</summary>
    private Task BeatAsync(string workerId) =>
        new WorkerHeartbeat(Connections, Keys, workerId, TimeSpan.FromSeconds(30)).BeatAsync();
}
