using System.Globalization;
using Discernus.Coordination;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// Runs a task-based stage: pushes its tasks and waits for all their completion signals. Every wait is bounded: a
/// stage with no completion for <see cref="OrchestratorOptions.StallTimeout"/> fails the run with a diagnosis. Each
/// task counts once, however often its signal arrives. What an earlier execution of the run already finished is
/// counted, not queued again, and tasks still queued or claimed are left alone.
/// </summary>
internal sealed class StageWaiter(
    ITaskQueue tasks,
    RedisConnections connections,
    RedisKeys keys,
    RunStateStore states,
    OrphanRecovery orphans,
    CoordinationResilience resilience,
    RunStateWriter state,
    ModelOutageWatch outage,
    RemoteCalls calls,
    RunStateRebuild rebuild,
    OrchestratorOptions options,
    TimeProvider time,
    Telemetry.DiscernusMetrics? metrics)
{
    private const string Agent = nameof(Orchestrator);
    private static readonly TimeSpan ManifestProgressInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CancelCheckInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CallsInterval = TimeSpan.FromSeconds(1);
    private const int SignalBatch = 256;

    /// <summary>How often the cancel flag is read while a stage (or a provider batch) waits.</summary>
    public static TimeSpan CancelCheck => CancelCheckInterval;

    public async Task RunAsync(StageRequest request, CancellationToken cancellationToken)
    {
        var (run, stage) = (request.Run, request.Stage);
        using var span = Telemetry.DiscernusActivities.StartStage(run.Folder.RunId, stage);
        ReleaseEarlierStagesMemory(run);
        var started = time.GetUtcNow();
        await BeginAsync(request, cancellationToken).ConfigureAwait(false);
        var set = new StageTasks(request, Telemetry.DiscernusActivities.Traceparent(span), tasks, resilience, outage, state, metrics, options.QueueWindow, cancellationToken);
        await set.CountRecordedAsync().ConfigureAwait(false);
        await set.TopUpAsync().ConfigureAwait(false);
        run.Log.Info(stage, Agent, $"{StageNames.Title(stage)}: {set.ToQueue} task(s) to queue, at most {options.QueueWindow} at a time");

        // One completion waiter per stage: a waiter serves one blocking wait at a time, and runs proceed concurrently.
        await using var completions = new RunCompletions(connections, keys, timeProvider: time);
        try
        {
            await WaitAsync(request, set, completions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The stage ends here, whatever ended it (an artifact store outage too): keep what it achieved in the
            // manifest, so its counts match the result files in the folder, then let the run record why.
            Telemetry.DiscernusActivities.Fail(span, ex is OperationCanceledException ? "cancelled" : ex.Message);
            await run.StageAsync(stage, s => s with
            {
                FinishedAt = run.Now(),
                DurationMs = (long)(time.GetUtcNow() - started).TotalMilliseconds,
                TasksSucceeded = set.Succeeded,
                TasksFailed = set.Failed,
            }).ConfigureAwait(false);
            throw;
        }

        var status = set.Succeeded == 0 ? RunStatus.Failed : set.Failed > 0 ? RunStatus.CompletedWithFailures : RunStatus.Completed;
        await run.StageAsync(stage, s => s with
        {
            Status = status,
            FinishedAt = run.Now(),
            DurationMs = (long)(time.GetUtcNow() - started).TotalMilliseconds,
            TasksSucceeded = set.Succeeded,
            TasksFailed = set.Failed,
        }).ConfigureAwait(false);
        span?.SetTag(Telemetry.DiscernusActivities.OutcomeAttribute, status);
        run.Log.Info(stage, Agent, $"{StageNames.Title(stage)} finished: {set.Succeeded} succeeded, {set.Failed} failed");
    }

    /// <summary>
    /// For a large corpus, gives the memory of the stages before this one back before it starts (<see cref="StageMemory"/>):
    /// run setup's lists, the last stage's buffers. 100,000 documents: batch analysis peaked at 457-463 MB without this,
    /// 422 MB with it (docs/benchmarks.md). A small run skips it: a full blocking collection is not worth its milliseconds there.
    /// </summary>
    private static void ReleaseEarlierStagesMemory(RunContext run) => StageMemory.ReleaseForLargeCorpus(run.Manifest.Corpus?.DocumentCount ?? 0);

    private async Task BeginAsync(StageRequest request, CancellationToken cancellationToken)
    {
        var (run, stage, total) = (request.Run, request.Stage, request.Planned.Count);
        var runId = run.Folder.RunId;
        await run.StageAsync(stage, s => s with { Status = RunStatus.Running, StartedAt = run.Now(), TasksTotal = total, TasksSucceeded = 0, TasksFailed = 0 }).ConfigureAwait(false);
        await resilience.ExecuteAsync(ct => states.SetAsync(runId, new Dictionary<string, string>
        {
            [RunStateFields.Stage] = stage,
            [RunStateFields.Total] = total.ToString(CultureInfo.InvariantCulture),
            [RunStateFields.Completed] = "0",
            [RunStateFields.Failed] = "0",
        }, ct), $"recording the state of run {runId}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>When the waiting loop last did each of its periodic checks, and how far it is from the next trim.</summary>
    private sealed class Clock(DateTimeOffset now)
    {
        public DateTimeOffset LastProgress { get; set; } = now;
        public DateTimeOffset LastHousekeeping { get; set; } = now;
        public DateTimeOffset LastManifestUpdate { get; set; } = now;
        public DateTimeOffset LastCancelCheck { get; set; } = DateTimeOffset.MinValue;
        public DateTimeOffset LastCallsTaken { get; set; } = DateTimeOffset.MinValue;

        /// <summary>Signals counted since the run's list of taken signals was last trimmed.</summary>
        public int CountedSinceTrim { get; set; }
    }

    private async Task WaitAsync(StageRequest request, StageTasks set, RunCompletions completions, CancellationToken cancellationToken)
    {
        var run = request.Run;
        var clock = new Clock(time.GetUtcNow());

        // The manifest is rewritten whole; for a large corpus its progress counts are refreshed less often.
        var manifestInterval = ManifestProgressInterval * Math.Max(1, (run.Manifest.Corpus?.DocumentCount ?? 0) / 4000);
        while (set.Pending > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (time.GetUtcNow() - clock.LastCancelCheck >= CancelCheckInterval)
            {
                clock.LastCancelCheck = time.GetUtcNow();
                await CheckControlAsync(request, set, clock, cancellationToken).ConfigureAwait(false);
            }

            if (time.GetUtcNow() - clock.LastCallsTaken >= CallsInterval)
            {
                clock.LastCallsTaken = time.GetUtcNow();
                await calls.TakeAsync(run, cancellationToken).ConfigureAwait(false);
            }

            var (received, before) = await TakeSignalsAsync(run.Folder.RunId, set, completions, clock, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            await RecordProgressAsync(request, set, clock, now, before, manifestInterval, cancellationToken).ConfigureAwait(false);
            if (now - clock.LastHousekeeping >= options.OrphanCheckInterval)
            {
                clock.LastHousekeeping = now;
                await HousekeepAsync(request, cancellationToken).ConfigureAwait(false);
            }

            // A stage waiting out a model outage is paused, not stalled: the outage limit bounds that wait.
            if (run.AnnouncedOutage is not null)
            {
                clock.LastProgress = now;
            }

            if (received == 0 && set.Pending == before && now - clock.LastProgress >= options.StallTimeout)
            {
                throw new RunFailedException(await StallDiagnosisAsync(request.Stage, run.Folder.RunId, set.Pending, set.Total).ConfigureAwait(false));
            }
        }
    }

    /// <summary>The run's control fields: a cancel request, a Redis that lost the run (another epoch), an outage.</summary>
    private async Task CheckControlAsync(StageRequest request, StageTasks set, Clock clock, CancellationToken cancellationToken)
    {
        var runId = request.Run.Folder.RunId;
        var control = await resilience.ExecuteAsync(ct => states.GetControlAsync(runId, ct), $"reading the state of run {runId}", cancellationToken).ConfigureAwait(false);
        if (control.CancelRequested)
        {
            throw new OperationCanceledException("the run was cancelled");
        }

        if (control.Epoch != request.Run.Epoch)
        {
            await rebuild.RebuildAsync(request.Run, request.Stage, set).ConfigureAwait(false);
            clock.LastProgress = time.GetUtcNow();
        }

        await outage.WatchAsync(request.Run, request.Stage, control.Outage).ConfigureAwait(false);
    }

    /// <returns>How many signals arrived, and how many tasks were pending before they were counted.</returns>
    private async Task<(int Received, int PendingBefore)> TakeSignalsAsync(string runId, StageTasks set, RunCompletions completions, Clock clock, CancellationToken cancellationToken)
    {
        // Signals are taken in batches: under load many wait, and each round trip and state write is shared.
        var signals = await resilience.ExecuteAsync(ct => completions.WaitManyAsync(runId, SignalBatch, options.CompletionWait, ct), $"waiting for the tasks of run {runId}", cancellationToken).ConfigureAwait(false);
        var before = set.Pending;
        if (completions.ReplayNeeded)
        {
            // A signal may have been moved while the connection dropped: read back everything taken so far.
            var taken = await resilience.ExecuteAsync(ct => completions.ReadTakenAsync(runId, ct), $"reading the completions of run {runId}", cancellationToken).ConfigureAwait(false);
            completions.ClearReplay();
            foreach (var replayed in taken)
            {
                await set.CountAsync(replayed).ConfigureAwait(false);
            }
        }

        await set.PrefetchAsync(signals).ConfigureAwait(false);
        foreach (var signal in signals)
        {
            await set.CountAsync(signal).ConfigureAwait(false);
        }

        await TrimTakenAsync(runId, set, completions, clock, signals.Count, cancellationToken).ConfigureAwait(false);
        return (signals.Count, before);
    }

    /// <summary>
    /// Keeps the run's list of taken signals short once the signals in it are counted: every success older than the
    /// newest <see cref="OrchestratorOptions.KeptSignals"/> has its result file in the run folder, which is what an
    /// adopting Orchestrator reads. Not while a failure of this stage is known only from its signal (failures reach the
    /// manifest when the stage ends), nor while a replay is due.
    /// </summary>
    private async Task TrimTakenAsync(string runId, StageTasks set, RunCompletions completions, Clock clock, int counted, CancellationToken cancellationToken)
    {
        clock.CountedSinceTrim += counted;
        if (clock.CountedSinceTrim < options.KeptSignals || set.Failed > 0 || completions.ReplayNeeded)
        {
            return;
        }

        clock.CountedSinceTrim = 0;
        await resilience.ExecuteAsync(ct => completions.TrimTakenAsync(runId, options.KeptSignals, ct), $"trimming the taken signals of run {runId}", cancellationToken).ConfigureAwait(false);
    }

    private async Task RecordProgressAsync(StageRequest request, StageTasks set, Clock clock, DateTimeOffset now, int before, TimeSpan manifestInterval, CancellationToken cancellationToken)
    {
        var run = request.Run;
        var runId = run.Folder.RunId;
        if (set.Pending < before)
        {
            await set.FinishedAsync(before).ConfigureAwait(false);
            clock.LastProgress = now;
            var counts = run.Calls;
            await resilience.ExecuteAsync(ct => states.SetCountsAsync(runId, set.Total, set.Succeeded + set.Failed, set.Failed, (counts.ProviderRequests, counts.CacheHits, counts.Retries), ct), $"recording the progress of run {runId}", cancellationToken).ConfigureAwait(false);
        }

        if (now - clock.LastManifestUpdate >= manifestInterval && set.Pending < before)
        {
            // `discernus status` on the folder shows progress even when Redis is not reachable from there.
            clock.LastManifestUpdate = now;
            var (ok, bad) = (set.Succeeded, set.Failed);
            await run.StageAsync(request.Stage, s => s with { TasksSucceeded = ok, TasksFailed = bad }).ConfigureAwait(false);
        }
    }

    private async Task HousekeepAsync(StageRequest request, CancellationToken cancellationToken)
    {
        var runId = request.Run.Folder.RunId;
        var requeued = await resilience.ExecuteAsync(ct => orphans.RequeueOrphansAsync(ct), "returning the claims of stopped workers", cancellationToken).ConfigureAwait(false);
        if (requeued > 0)
        {
            request.Run.Log.Warning(request.Stage, Agent, $"{requeued} task(s) of workers that stopped heartbeating were put back on the queue");
        }

        // A run nobody finishes (its Orchestrator gone for good) does not keep its keys forever.
        await resilience.ExecuteAsync(ct => states.ExpireAsync(runId, options.AbandonedRunTtl, options.AbandonedRunTtl, ct), $"refreshing the keys of run {runId}", cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> StallDiagnosisAsync(string stage, string runId, int unfinished, int total)
    {
        var queued = await resilience.ExecuteAsync(ct => tasks.GetLengthAsync(ct), "measuring the task queue").ConfigureAwait(false);
        var runState = await resilience.ExecuteAsync(ct => states.GetAsync(runId, ct), $"reading the state of run {runId}").ConfigureAwait(false);
        var released = runState?.Fields.GetValueOrDefault(RunStateFields.TasksReleased);
        var why = released is not null
            ? $"Workers handed back {released} task(s) because they cannot reach the run's artifact store ({runState!.Fields.GetValueOrDefault(RunStateFields.ReleasedBy)}): give them the same store (DISCERNUS_ARTIFACT_STORE=s3 for workers on other machines)."
            : queued > 0
                ? "No worker is taking tasks: start `discernus worker` against the same Redis, or run without DISCERNUS_REDIS_URL."
                : "Workers took the tasks but did not finish them: see the worker logs.";
        return $"stage {StageNames.Title(stage)} made no progress for {options.StallTimeout.TotalSeconds:F0} s: {unfinished} of {total} task(s) unfinished, {queued} waiting in the queue. {why} (stall timeout: {Configuration.SettingNames.StallTimeoutSeconds})";
    }
}
