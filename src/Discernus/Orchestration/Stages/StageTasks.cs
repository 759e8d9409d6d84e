using Discernus.Agents;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>What a task-based stage asks of the <see cref="StageWaiter"/>.</summary>
/// <param name="OnSuccess">Takes a task's result into the run; called once per task, however often its signal arrives.</param>
/// <param name="Recorded">What an earlier execution of the run already finished: counted, not queued again.</param>
/// <param name="Prior">What earlier executions left, for the account of what a resume repairs.</param>
internal sealed record StageRequest(
    RunContext Run,
    string Stage,
    TaskPlan Planned,
    Func<PlannedTask, CompletionSignal, Task> OnSuccess,
    IReadOnlyDictionary<string, CompletionSignal>? Recorded = null,
    PriorExecution? Prior = null,
    Func<PlannedTask, CompletionSignal, Task>? Prefetch = null);

/// <summary>
/// The tasks of one stage while it runs: which are still pending, each counted once, and the window of them in the
/// queue. A window of tasks is queued, and refilled as tasks finish: Redis (the embedded Garnet keeps everything in
/// memory) holds a bounded number of contracts whatever the corpus size, and runs sharing workers interleave.
/// </summary>
internal sealed class StageTasks
{
    private const string Agent = nameof(Orchestrator);
    private const int LostContractRequeues = 3;

    // How many results of a batch of signals are read ahead at once (StageRequest.Prefetch).
    private const int PrefetchParallelism = 8;

    private readonly StageRequest _request;
    private readonly string? _traceparent;
    private readonly ITaskQueue _tasks;
    private readonly CoordinationResilience _resilience;
    private readonly ModelOutageWatch _outage;
    private readonly RunStateWriter _state;
    private readonly Telemetry.DiscernusMetrics? _metrics;
    private readonly int _queueWindow;
    private readonly CancellationToken _cancellationToken;

    // Pending tasks by their position in the plan: a flag each, not a dictionary entry each.
    private readonly System.Collections.BitArray _pending;
    private int _pendingCount;

    // Tasks an earlier execution left unfinished: a worker may still finish them the old way, or deliver its verdict
    // late (even one it settled just before this execution looked for what was still queued or claimed).
    private readonly HashSet<string> _earlierUnfinished = new(StringComparer.Ordinal);

    // Tasks whose contract Redis lost before a worker claimed them, and how often each was queued again for it.
    private readonly Dictionary<string, int> _lostContracts = new(StringComparer.Ordinal);

    // Positions in the plan, in the order they are queued.
    private IReadOnlyList<int> _toQueue;
    private int _nextToQueue;
    private int _inQueue;

    public StageTasks(StageRequest request, string? traceparent, ITaskQueue tasks, CoordinationResilience resilience, ModelOutageWatch outage, RunStateWriter state,
        Telemetry.DiscernusMetrics? metrics, int queueWindow, CancellationToken cancellationToken)
    {
        (_request, _traceparent, _tasks, _resilience, _outage, _state, _metrics, _queueWindow, _cancellationToken) =
            (request, traceparent, tasks, resilience, outage, state, metrics, queueWindow, cancellationToken);
        _pending = new System.Collections.BitArray(request.Planned.Count, true);
        _pendingCount = request.Planned.Count;
        _toQueue = Enumerable.Range(0, request.Planned.Count).ToArray();
    }

    public int Succeeded { get; private set; }

    public int Failed { get; private set; }

    public int Pending => _pendingCount;

    public int Total => _request.Planned.Count;

    public int ToQueue => _toQueue.Count;

    private RunContext Run => _request.Run;

    private string Stage => _request.Stage;

    private string RunId => _request.Run.Folder.RunId;

    /// <summary>
    /// Does the request's <see cref="StageRequest.Prefetch"/> for the successes among <paramref name="signals"/> that are
    /// still pending, several at once, before <see cref="CountAsync"/> takes them in order. A prefetch that fails is
    /// logged and left to the count, which does the work again in its place and fails there if it still fails.
    /// </summary>
    public async Task PrefetchAsync(IReadOnlyList<CompletionSignal> signals)
    {
        if (_request.Prefetch is not { } prefetch)
        {
            return;
        }

        var work = new List<(PlannedTask Task, CompletionSignal Signal)>();
        foreach (var signal in signals)
        {
            if (signal.IsSucceeded && signal.ResultHash is not null && IsPending(signal.TaskId, out var index))
            {
                work.Add((Plan[index], signal));
            }
        }

        if (work.Count < 2)
        {
            return;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = PrefetchParallelism, CancellationToken = _cancellationToken };
        await Parallel.ForEachAsync(work, options, async (item, _) =>
        {
            try
            {
                await prefetch(item.Task, item.Signal).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Run.Log.Warning(Stage, Agent, $"{item.Task.TaskId}: taking its result in ahead of order failed ({ex.Message}); it is taken in again in order");
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Takes a completion signal into the stage: a success, a failure, or a task to queue again.</summary>
    public async Task CountAsync(CompletionSignal signal)
    {
        if (!signal.IsSucceeded && _request.Prior?.StaleSignals.Remove(signal.TaskId) == true)
        {
            // Already read (and the task queued again) when this execution took the run over.
            return;
        }

        if (await RequeuedAsync(signal).ConfigureAwait(false) || !IsPending(signal.TaskId, out var index))
        {
            // Queued again, or a duplicate delivery (at-least-once) or a signal for another stage: already accounted for.
            return;
        }

        _pending[index] = false;
        _pendingCount--;
        var task = Plan[index];
        if (signal.IsSucceeded && signal.ResultHash is not null)
        {
            await _request.OnSuccess(task, signal).ConfigureAwait(false);
            Succeeded++;
            if (Run.AnnouncedOutage is not null)
            {
                await _outage.EndAsync(Run, Stage).ConfigureAwait(false);
            }
        }
        else if (AgentOutcome.StopsRun(signal.Error, out var stopReason))
        {
            // The model endpoint is unusable (ModelEndpointUnusableException): every further task would fail the
            // same way. The task is not counted as failed, so a resumed run asks again.
            throw new RunFailedException(stopReason);
        }
        else
        {
            Failed++;
            var reason = signal.Error ?? "failed without a reason";
            Run.Failures.Add(new ManifestFailure(task.TaskId, task.DocumentName, task.Model, reason));
            Run.Log.Error(Stage, Agent, $"{task.TaskId} failed: {reason}", new Dictionary<string, object?> { ["document_name"] = task.DocumentName, ["model"] = task.Model });
        }
    }

    /// <summary>A failure that is no verdict on the task, which is queued again: a lost contract, or an earlier execution's outage.</summary>
    private async Task<bool> RequeuedAsync(CompletionSignal signal)
    {
        if (RedisTaskQueue.IsLostContract(signal.Error) && IsPending(signal.TaskId, out var lostIndex) && _lostContracts.GetValueOrDefault(signal.TaskId) < LostContractRequeues)
        {
            var lost = Plan[lostIndex];
            // The task never ran: Redis lost its contract (a reset deletes keys one by one, a restart forgets them).
            _lostContracts[signal.TaskId] = _lostContracts.GetValueOrDefault(signal.TaskId) + 1;
            Run.Log.Info(Stage, Agent, $"{signal.TaskId} had no contract when a worker claimed it (Redis lost it); queued again");
            await EnqueueAsync([(lost.TaskId, lost.Contract(_traceparent))]).ConfigureAwait(false);
            return true;
        }

        if (AgentOutcome.StopsRun(signal.Error, out var staleReason) && _earlierUnfinished.Remove(signal.TaskId) && IsPending(signal.TaskId, out var staleIndex))
        {
            var stale = Plan[staleIndex];
            // A task that waited for the endpoint since before this execution gave up on the outage that stopped the
            // last one: that is no verdict on the endpoint now (seen in WorldFaultTests: a resume failed with the outage
            // it was started to recover from). A task of this execution that gives up stops the run. The task is queued
            // again unless a copy of it is still to come: a second copy of its id would find no contract once the first
            // is settled (seen in WorldFaultTests: two tasks dead-listed in a resume that completed).
            if (_toQueue.Skip(_nextToQueue).Contains(staleIndex)
                || (await _resilience.ExecuteAsync(ct => _tasks.FindQueuedAsync([stale.TaskId], ct), $"looking up task {stale.TaskId}", _cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                Run.Log.Info(Stage, Agent, $"{stale.TaskId}, left unfinished by an earlier execution, gave up on an earlier outage ({staleReason}); already queued again");
                return true;
            }

            Run.Log.Info(Stage, Agent, $"{stale.TaskId}, left unfinished by an earlier execution, gave up on an earlier outage ({staleReason}); queued again");
            await EnqueueAsync([(stale.TaskId, stale.Contract(_traceparent))]).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Counts what an earlier execution of the run already finished and leaves alone the tasks still queued or
    /// claimed: only the rest is queued.
    /// </summary>
    public async Task CountRecordedAsync()
    {
        if (_request.Recorded is not { } recorded)
        {
            return;
        }

        foreach (var signal in recorded.Values)
        {
            await CountAsync(signal).ConfigureAwait(false);
        }

        var unfinished = PendingPositions().Select(Plan.TaskId).ToList();
        var inFlight = await _resilience.ExecuteAsync(ct => _tasks.FindQueuedAsync(unfinished, ct), $"looking up the queued tasks of run {RunId}", _cancellationToken).ConfigureAwait(false);
        _earlierUnfinished.UnionWith(unfinished);
        _toQueue = PendingPositions().Where(i => !inFlight.Contains(Plan.TaskId(i))).ToList();
        _inQueue = _pendingCount - _toQueue.Count;
        var planned = _request.Planned;
        Run.Log.Info(Stage, Agent, $"{StageNames.Title(Stage)}: {planned.Count - _pendingCount} task(s) already finished, {inFlight.Count} still queued or claimed, {_toQueue.Count} {(Run.Adopted ? "queued again" : "to queue")}");
        if (_request.Prior is { } prior)
        {
            await AccountForRepairsAsync(prior, inFlight.Count).ConfigureAwait(false);
        }
    }

    /// <summary>What a resume (or an adoption) repairs, by cause: every task without a valid result is done again.</summary>
    private async Task AccountForRepairsAsync(PriorExecution prior, int inFlight)
    {
        var planned = _request.Planned;
        var again = _toQueue.Select(Plan.TaskId).ToHashSet(StringComparer.Ordinal);
        var dead = prior.DeadListed.Count(again.Contains);
        var failedBefore = prior.Failed.Count(id => again.Contains(id) && !prior.DeadListed.Contains(id));
        var lost = again.Count - dead - failedBefore;
        var message = $"Run {(Run.Manifest.Executions.LastOrDefault()?.Kind ?? "resumed")}: {planned.Count - _pendingCount} of {planned.Count} analyses have a result and are kept; " +
            $"{again.Count} queued again: {dead} dead-listed, {failedBefore} failed after their attempts, {lost} lost (no result and no record); {inFlight} still queued or claimed.";
        Run.Log.Warning(Stage, Agent, message, new Dictionary<string, object?> { ["dead_listed"] = dead, ["failed"] = failedBefore, ["lost"] = lost, ["in_flight"] = inFlight });
        await _state.NoticeAsync(RunId, message).ConfigureAwait(false);
    }

    /// <summary>Fills the queue window with the next tasks to queue.</summary>
    public async Task TopUpAsync()
    {
        var room = _queueWindow - _inQueue;
        if (room <= 0 || _nextToQueue >= _toQueue.Count)
        {
            return;
        }

        var batch = _toQueue.Skip(_nextToQueue).Take(room).Select(i => Plan[i]).Select(t => (t.TaskId, t.Contract(_traceparent))).ToList();
        await EnqueueAsync(batch).ConfigureAwait(false);
        if (TaskIds.TryParse(batch[0].TaskId, out var queuedType))
        {
            _metrics?.TasksQueued(queuedType.TaskType, batch.Count);
        }

        _nextToQueue += batch.Count;
        _inQueue += batch.Count;
    }

    /// <summary>Tasks finished since <paramref name="pendingBefore"/> leave the window, which is filled again.</summary>
    public Task FinishedAsync(int pendingBefore)
    {
        _inQueue -= pendingBefore - _pendingCount;
        return TopUpAsync();
    }

    /// <summary>Redis lost the queue: every task without a result is queued again, in planned order, with the same id.</summary>
    public Task RequeueAllPendingAsync()
    {
        _toQueue = PendingPositions().ToList();
        _nextToQueue = 0;
        _inQueue = 0;
        return TopUpAsync();
    }

    private TaskPlan Plan => _request.Planned;

    /// <summary>True when the plan has a task with this id and it is still pending; its position in <paramref name="index"/>.</summary>
    private bool IsPending(string taskId, out int index)
    {
        index = Plan.IndexOf(taskId);
        return index >= 0 && _pending[index];
    }

    private IEnumerable<int> PendingPositions()
    {
        for (var i = 0; i < _pending.Length; i++)
        {
            if (_pending[i])
            {
                yield return i;
            }
        }
    }

    private Task EnqueueAsync(IReadOnlyList<(string TaskId, string Contract)> batch) =>
        _resilience.ExecuteAsync(ct => _tasks.EnqueueManyAsync(batch, ct), $"queueing the tasks of run {RunId}", _cancellationToken);
}
