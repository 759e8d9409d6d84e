using System.Collections.Concurrent;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Provenance;
using Discernus.Telemetry;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration;

/// <summary>
/// The worker host: N claim loops, each with its own worker id, processing list and heartbeat. A claimed task goes to
/// the agent registered for its task_type, working on the run's own artifact store, and is acknowledged with the
/// agent's outcome; a crash requeues it until its attempt limit, then it goes to the dead list with the last error.
/// Tasks of ended or cancelled runs are dropped, not executed. Every Redis operation rides out outages through
/// <see cref="CoordinationResilience"/>; a loop that cannot go on (outage past the limit, a coordination fault, a bug)
/// ends with its exception, which the host reports and turns into a non-zero exit.
/// </summary>
internal sealed class Router(
    ITaskQueue tasks,
    RedisConnections connections,
    RedisKeys keys,
    RunStateStore runStates,
    Func<IArtifactStore, IReadOnlyList<IAgent>> createAgents,
    RunStoreResolver stores,
    CoordinationResilience resilience,
    RouterOptions options,
    TimeProvider timeProvider,
    ILogger logger,
    DiscernusMetrics? metrics = null)
{
    private static readonly TimeSpan ReleasePause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StateFreshness = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ShortTask = TimeSpan.FromMilliseconds(20);

    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, IAgent>> _agentsByStore = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _reportedUnreachable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (RunState? State, long ReadAt)> _states = new(StringComparer.Ordinal);

    /// <summary>
    /// Runs the loops until <paramref name="stoppingToken"/> fires or one of them fails; then the others stop too (each
    /// finishes the tasks in hand) and the failure ends this call, so a process never limps on with fewer loops.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        options.Validate();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var loops = Enumerable.Range(1, options.Concurrency).Select(async i =>
        {
            try
            {
                await LoopAsync($"{options.WorkerIdPrefix}-{i}", stopping.Token).ConfigureAwait(false);
            }
            catch
            {
                await stopping.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }).ToList();
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    private async Task LoopAsync(string workerId, CancellationToken stoppingToken)
    {
        await using var heartbeat = new WorkerHeartbeat(connections, keys, workerId, timeProvider: timeProvider, logger: logger, metrics: metrics);
        try
        {
            await resilience.ExecuteAsync(ct => heartbeat.StartAsync(ct), $"starting the heartbeat of {workerId}", stoppingToken).ConfigureAwait(false);

            var recovery = new ClaimRecovery();
            var batchSize = 1;
            while (!stoppingToken.IsCancellationRequested)
            {
                var claims = await ClaimAsync(workerId, batchSize, recovery, stoppingToken).ConfigureAwait(false);
                if (claims.Count == 0)
                {
                    // Idle, this loop holds nothing, so whatever its processing list holds is a task nobody works on:
                    // a BLMOVE the server carried out after the client gave up waiting for its reply (a loaded
                    // machine). The live heartbeat keeps OrphanRecovery away, so the loop itself returns it.
                    recovery.Needed = true;
                    continue;
                }

                foreach (var claimed in claims)
                {
                    metrics?.TaskClaimed(claimed.TaskType);
                }

                // In-hand work finishes even when claiming stops; only the process's own end aborts it.
                var started = timeProvider.GetTimestamp();
                var released = await RunClaimsAsync(claims, heartbeat).ConfigureAwait(false);

                // Short tasks (no-op, cached answers, the lexicon) are claimed several at a time, one round trip for
                // all; a slow one (a model call) resets to one at a time, so no loop sits on tasks others could run.
                var perTask = timeProvider.GetElapsedTime(started) / claims.Count;
                batchSize = perTask < ShortTask ? Math.Min(options.ClaimBatch, batchSize * 2) : 1;
                if (released)
                {
                    // Give workers that can serve the task a chance to take it before this loop claims again.
                    await Task.Delay(ReleasePause, timeProvider, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogError("Agent loop {WorkerId} stopped: {Message}", workerId, ex.Message);
            throw;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Agent loop {WorkerId} stopped on an unexpected error", workerId);
            throw;
        }
    }

    /// <summary>Whether a loop must first recover its processing list: at start, after a transient Redis failure, and when idle.</summary>
    private sealed class ClaimRecovery
    {
        // Anything in our processing list was claimed by an earlier life of this id, or by a claim whose reply was lost.
        public bool Needed { get; set; } = true;
    }

    private Task<IReadOnlyList<IClaimedTask>> ClaimAsync(string workerId, int batchSize, ClaimRecovery recovery, CancellationToken stoppingToken) => resilience.ExecuteAsync(
        async ct =>
        {
            if (recovery.Needed)
            {
                await tasks.RecoverAsync(workerId, ct).ConfigureAwait(false);
                recovery.Needed = false;
            }

            try
            {
                return await tasks.ClaimManyAsync(workerId, batchSize, options.ClaimWait, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisTransience.IsTransient(ex))
            {
                recovery.Needed = true;
                throw;
            }
        },
        "claiming a task",
        stoppingToken);

    /// <summary>Runs the claimed tasks and acknowledges them together; true when one was handed back for another worker.</summary>
    private async Task<bool> RunClaimsAsync(IReadOnlyList<IClaimedTask> claims, WorkerHeartbeat heartbeat)
    {
        var claim = new ClaimWatch(heartbeat, heartbeat.Lapses);
        var acks = new List<(IClaimedTask Task, CompletionSignal Signal, string RunId)>(claims.Count);
        var released = false;
        try
        {
            foreach (var claimed in claims)
            {
                var (ack, handedBack) = await ProcessAsync(claimed, claim, CancellationToken.None).ConfigureAwait(false);
                released |= handedBack;
                if (ack is { } a)
                {
                    acks.Add(a);
                }
            }

            if (acks.Count > 0)
            {
                await AcknowledgeAsync(acks, claim).ConfigureAwait(false);
            }
        }
        finally
        {
            // A claim left unsettled (an exception above) goes back to the queue.
            foreach (var claimed in claims)
            {
                await claimed.DisposeAsync().ConfigureAwait(false);
            }
        }

        return released;
    }

    /// <summary>
    /// Runs one claimed task. Settles it, except for the usual end (the agent's outcome), which it returns as an
    /// acknowledgement to send with the others of the batch; Released is true when it was handed back for another worker.
    /// </summary>
    private async Task<((IClaimedTask Task, CompletionSignal Signal, string RunId)? Ack, bool Released)> ProcessAsync(IClaimedTask claimed, ClaimWatch claim, CancellationToken cancellationToken)
    {
        var runId = claimed.RunId;
        if (runId is null)
        {
            await SettleAsync(claimed, claim, c => c.DeadLetterAsync("the task names no run (no run_id in the contract and none in the task id)"), cancellationToken).ConfigureAwait(false);
            return (null, false);
        }

        var state = await RunStateAsync(runId, fresh: false, cancellationToken).ConfigureAwait(false);
        if (HasEnded(state))
        {
            // Dropping is never decided on a remembered state: a resumed run is running again.
            state = await RunStateAsync(runId, fresh: true, cancellationToken).ConfigureAwait(false);
        }

        if (HasEnded(state) && state is { } s)
        {
            logger.LogInformation("Dropped task {TaskId}: its run {RunId} has ended ({Status})", claimed.TaskId, runId, s.CancelRequested ? "cancelled" : s.Status);
            await SettleAsync(claimed, claim, c => c.AckWithoutSignalAsync(), cancellationToken).ConfigureAwait(false);
            return (null, false);
        }

        var (store, problem) = await resilience.ExecuteAsync(
            ct => stores.ResolveAsync(state?.Fields.GetValueOrDefault(RunStateFields.ArtifactStore), state?.Fields.GetValueOrDefault(RunStateFields.ArtifactProbe), ct),
            $"opening the artifact store of run {runId}",
            cancellationToken).ConfigureAwait(false);
        if (store is null)
        {
            await ReleaseAsync(claimed, claim, runId, problem, cancellationToken).ConfigureAwait(false);
            return (null, true);
        }

        var agents = _agentsByStore.GetOrAdd(store.Identity, _ => createAgents(store).ToDictionary(a => a.TaskType, StringComparer.Ordinal));
        if (claimed.TaskType is not { } taskType || !agents.TryGetValue(taskType, out var agent))
        {
            var error = $"no agent is registered for task_type '{claimed.TaskType ?? "(none)"}' (known: {string.Join(", ", agents.Keys)})";
            await SettleAsync(claimed, claim, c => c.DeadLetterAsync(error), cancellationToken).ConfigureAwait(false);
            return (null, false);
        }

        return await RunAgentAsync(claimed, claim, agent, taskType, runId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hands a task back for workers that can reach its run's artifact store, and records that on the run.</summary>
    private async Task ReleaseAsync(IClaimedTask claimed, ClaimWatch claim, string runId, string? problem, CancellationToken cancellationToken)
    {
        if (_reportedUnreachable.TryAdd(runId, 0))
        {
            logger.LogWarning("Worker {WorkerId} leaves the tasks of run {RunId} to workers that can serve them: {Problem}", claimed.WorkerId, runId, problem);
        }

        await resilience.ExecuteAsync(
            async ct =>
            {
                await runStates.IncrementAsync(runId, RunStateFields.TasksReleased, 1, ct).ConfigureAwait(false);
                await runStates.SetAsync(runId, new Dictionary<string, string> { [RunStateFields.ReleasedBy] = $"{Environment.MachineName}: {problem}" }, ct).ConfigureAwait(false);
            },
            $"recording a released task of run {runId}",
            cancellationToken).ConfigureAwait(false);
        await SettleAsync(claimed, claim, c => c.ReleaseAsync(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the agent on a task: a failure is settled here (requeued, or dead-listed after the last attempt), an outcome returned as an acknowledgement.</summary>
    private async Task<((IClaimedTask Task, CompletionSignal Signal, string RunId)? Ack, bool Released)> RunAgentAsync(
        IClaimedTask claimed, ClaimWatch claim, IAgent agent, string taskType, string runId, CancellationToken cancellationToken)
    {
        // The task's span joins the trace of the stage that queued it; the model calls the agent makes are its children.
        using var span = DiscernusActivities.StartTask(claimed.TaskId, taskType, runId, claimed.WorkerId, claimed.Attempts, claimed.Traceparent);
        var started = timeProvider.GetTimestamp();
        AgentOutcome outcome;
        try
        {
            outcome = await agent.HandleAsync(claimed.ContractJson, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An agent's own verdict (an invalid answer, a missing input) is its message; anything else is logged with its
            // stack, or a failure that repeats on every attempt (a library's exception) cannot be traced from the log.
            logger.LogWarning(ex is AgentFailureException ? null : ex, "{Agent} failed on {TaskId} of run {RunId} (attempt {Attempt}): {Message}",
                agent.Name, claimed.TaskId, runId, claimed.Attempts, ex.Message);
            metrics?.TaskFinished(taskType, succeeded: false, timeProvider.GetElapsedTime(started), "exception");
            DiscernusActivities.Fail(span, $"{ex.GetType().Name} on attempt {claimed.Attempts}");
            if (claimed.Attempts >= options.MaxAttempts)
            {
                var error = $"{agent.Name} failed {claimed.Attempts} time(s); last error: {ex.GetType().Name}: {ex.Message}";
                await SettleAsync(claimed, claim, c => c.DeadLetterAsync(error), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await SettleAsync(claimed, claim, c => c.RequeueAsync(), cancellationToken).ConfigureAwait(false);
                metrics?.TaskRequeued(taskType);
            }

            return (null, false);
        }

        metrics?.TaskFinished(taskType, outcome.Succeeded, timeProvider.GetElapsedTime(started));
        if (!outcome.Succeeded)
        {
            DiscernusActivities.Fail(span, outcome.Error ?? "the agent failed without a reason");
        }

        var signal = outcome.Succeeded
            ? CompletionSignal.Success(claimed.TaskId, outcome.ResultHash!)
            : CompletionSignal.Failure(claimed.TaskId, outcome.Error ?? "the agent failed without a reason");
        return ((claimed, signal, runId), false);
    }

    /// <summary>A loop's heartbeat as it was when it claimed: whether it lapsed since tells a handed-over claim from a lost one.</summary>
    private readonly record struct ClaimWatch(WorkerHeartbeat Heartbeat, int LapsesAtClaim)
    {
        public bool Lapsed => Heartbeat.LapsedSince(LapsesAtClaim);
    }

    private static bool HasEnded(RunState? state) =>
        state is { } s && (s.CancelRequested || (s.Status is { } status && RunStatus.IsFinal(status)));

    /// <summary>
    /// A run's state, read at most once per <see cref="StateFreshness"/> per process (unless <paramref name="fresh"/>):
    /// every task of a run asks, and the answer (store identity, ended or not) rarely changes.
    /// </summary>
    private async Task<RunState?> RunStateAsync(string runId, bool fresh, CancellationToken cancellationToken)
    {
        if (!fresh && _states.TryGetValue(runId, out var known) && timeProvider.GetElapsedTime(known.ReadAt) < StateFreshness)
        {
            return known.State;
        }

        var state = await resilience.ExecuteAsync(ct => runStates.GetAsync(runId, ct), $"reading the state of run {runId}", cancellationToken).ConfigureAwait(false);
        _states[runId] = (state, timeProvider.GetTimestamp());
        if (_states.Count > 1024)
        {
            // Runs come and go over a worker's life; forget the ones not asked about lately.
            foreach (var stale in _states.Where(kv => timeProvider.GetElapsedTime(kv.Value.ReadAt) > StateFreshness * 60).Select(kv => kv.Key).ToList())
            {
                _states.TryRemove(stale, out _);
            }
        }

        return state;
    }

    private async Task AcknowledgeAsync(IReadOnlyList<(IClaimedTask Task, CompletionSignal Signal, string RunId)> acks, ClaimWatch claim)
    {
        var outcomes = await resilience.ExecuteAsync(ct => tasks.AckManyAsync(acks, ct), $"acknowledging {acks.Count} task(s)").ConfigureAwait(false);
        var lost = new List<IClaimedTask>();
        for (var i = 0; i < acks.Count; i++)
        {
            if (outcomes[i] == SettleOutcome.NotOwned && !claim.Lapsed)
            {
                lost.Add(acks[i].Task);
                continue;
            }

            Report(acks[i].Task, outcomes[i], claim);
        }

        if (lost.Count > 0)
        {
            // One line for a batch: after a Redis restart every loop of every worker finds its claims gone at once.
            logger.LogWarning(
                "Worker {WorkerId} no longer holds {Count} task(s) ({TaskIds}): Redis lost its claims (a restart without persistence, `discernus debug --reset`, an eviction), its heartbeat never lapsed; the results are discarded here and each run's Orchestrator queues its tasks again",
                lost[0].WorkerId, lost.Count, string.Join(", ", lost.Select(t => t.TaskId).Take(5)));
        }
    }

    private async Task SettleAsync(IClaimedTask claimed, ClaimWatch claim, Func<IClaimedTask, Task<SettleOutcome>> settle, CancellationToken cancellationToken)
    {
        var outcome = await resilience.ExecuteAsync(_ => settle(claimed), $"settling task {claimed.TaskId}", cancellationToken).ConfigureAwait(false);
        Report(claimed, outcome, claim);
    }

    private void Report(IClaimedTask claimed, SettleOutcome outcome, ClaimWatch claim)
    {
        switch (outcome)
        {
            case SettleOutcome.NotOwned when claim.Lapsed:
                logger.LogWarning(
                    "Worker {WorkerId} no longer holds task {TaskId} of run {RunId}: it was handed to another worker after this one missed its heartbeat; this worker's result is discarded",
                    claimed.WorkerId, claimed.TaskId, claimed.RunId);
                break;
            case SettleOutcome.NotOwned:
                logger.LogWarning(
                    "Worker {WorkerId} no longer holds task {TaskId} of run {RunId}: Redis lost the claim (a restart without persistence, `discernus debug --reset`, an eviction), its heartbeat never lapsed; the result is discarded here and the run's Orchestrator queues the task again",
                    claimed.WorkerId, claimed.TaskId, claimed.RunId);
                break;
            case SettleOutcome.Uncertain:
                logger.LogInformation("Task {TaskId} of run {RunId} was settled by an attempt whose reply was lost (or recovered meanwhile); it counts once either way", claimed.TaskId, claimed.RunId);
                break;
            case SettleOutcome.RunEnded:
                logger.LogInformation("Task {TaskId} finished after its run {RunId} had ended; no completion was signalled", claimed.TaskId, claimed.RunId);
                break;
        }
    }
}
