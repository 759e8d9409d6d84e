using Discernus.Agents;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Orchestration.Stages;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration;

/// <summary>
/// The only component that knows the stage order: VALIDATION → RUN SETUP → BATCH ANALYSIS → SYNTHESIS → REPORT.
/// It heartbeats like a worker and keeps each run request claimed in its processing list until the run has ended, so
/// when its process dies the request returns to <c>orchestrator.tasks</c> (orphan recovery) and a live Orchestrator
/// that sees the run folder adopts the run, continuing from the results and completion signals already recorded.
/// </summary>
internal sealed class Orchestrator
{
    /// <summary>A fifth of the sample failing means the prompt, the model or the endpoint needs attention before the full run.</summary>
    public const double DefaultPretestMaxFailureRate = 0.2;

    private static readonly TimeSpan CannotServePause = TimeSpan.FromSeconds(1);

    private readonly ITaskQueue runRequests;
    private readonly RedisConnections connections;
    private readonly RedisKeys keys;
    private readonly RunStateStore states;
    private readonly OrphanRecovery orphans;
    private readonly RunStoreResolver stores;
    private readonly CoordinationResilience resilience;
    private readonly OrchestratorOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Telemetry.DiscernusMetrics? metrics;
    private readonly ActiveRuns _active;
    private readonly RunDriver _driver;

    // Set while this Orchestrator's claims may have been left by a connection that dropped: they are recovered first.
    private bool _recoverClaims = true;

    private TaskCompletionSource _nextRunEnd = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Orchestrator(
        ITaskQueue runRequests,
        ITaskQueue tasks,
        RedisConnections connections,
        RedisKeys keys,
        RunStateStore states,
        OrphanRecovery orphans,
        RunStoreResolver stores,
        RunRegistry registry,
        CoordinationResilience resilience,
        OrchestratorOptions options,
        DiscernusSettings settings,
        TimeProvider time,
        ILogger logger,
        Telemetry.DiscernusMetrics? metrics = null)
    {
        (this.runRequests, this.connections, this.keys, this.states, this.orphans, this.stores, this.resilience, this.options, this.time, this.logger, this.metrics) =
            (runRequests, connections, keys, states, orphans, stores, resilience, options, time, logger, metrics);

        // The composition of a run's stages: each gets only what it uses.
        _active = new ActiveRuns(runRequests, resilience, options.OrchestratorId, logger);
        var state = new RunStateWriter(states, resilience, options, logger);
        var calls = new RemoteCalls(connections, keys, resilience, registry, logger);
        var finalizer = new RunFinalizer(calls, registry, state, time, logger);
        var waiter = new StageWaiter(tasks, connections, keys, states, orphans, resilience, state,
            new ModelOutageWatch(states, resilience, state, options, time, logger), calls, new RunStateRebuild(state, _active, options, logger), options, time, metrics);
        var priorExecutions = new PriorExecutionReader(connections, keys, resilience, time);
        var reuse = new EarlierRunReuse();
        IRunStage[] stages =
        [
            new PretestStage(waiter, priorExecutions),
            new AnalysisStage(waiter, priorExecutions, new ProviderBatches(registry, states, resilience, state, settings, time), reuse, metrics),
            new SynthesisStage(waiter, reuse),
            new ReportStage(waiter),
        ];
        _driver = new RunDriver(new SetupStage(state, finalizer, settings, options, time), new RunAdoption(finalizer, settings.Limits, options, time, logger),
            stages, finalizer, state, stores, registry, options, logger, metrics);
    }

    /// <summary>Runs this Orchestrator is executing now (any `discernus run` on the same Redis may have submitted them).</summary>
    public IReadOnlyCollection<string> ActiveRuns => _active.Ids;

    /// <summary>
    /// Completes when the next run this Orchestrator executes has ended and its request is settled: a watcher in the same
    /// process (`discernus run`) reads the final state then instead of at its next poll (up to 250 ms later, a sixth of
    /// a short run's wall time).
    /// </summary>
    public Task NextRunEnd => Volatile.Read(ref _nextRunEnd).Task;

    /// <summary>Takes run requests from <c>orchestrator.tasks</c> until stopped; runs already taken are finished.</summary>
    public async Task RunLoopAsync(CancellationToken stoppingToken, CancellationToken abortToken)
    {
        var running = new List<Task>();
        await using var heartbeat = new WorkerHeartbeat(connections, keys, options.OrchestratorId, timeProvider: time, logger: logger, metrics: metrics);
        try
        {
            await resilience.ExecuteAsync(ct => heartbeat.StartAsync(ct), "starting the Orchestrator's heartbeat", stoppingToken).ConfigureAwait(false);
            var lastOrphanCheck = long.MinValue;
            while (!stoppingToken.IsCancellationRequested)
            {
                if (lastOrphanCheck == long.MinValue || time.GetElapsedTime(lastOrphanCheck) >= options.OrphanCheckInterval)
                {
                    // Dead workers' tasks and dead Orchestrators' run requests go back on their queues, even between runs.
                    lastOrphanCheck = time.GetTimestamp();
                    await resilience.ExecuteAsync(ct => orphans.RequeueOrphansAsync(ct), "returning the claims of stopped workers", stoppingToken).ConfigureAwait(false);
                }

                var claimed = await ClaimAsync(stoppingToken).ConfigureAwait(false);
                if (claimed is null)
                {
                    continue;
                }

                var request = await AcceptAsync(claimed).ConfigureAwait(false);
                if (request is null)
                {
                    continue;
                }

                running.RemoveAll(t => t.IsCompleted);
                running.Add(HandleRequestAsync(claimed, request.Value.Request, request.Value.Adopt, abortToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogError("The Orchestrator {OrchestratorId} stopped taking runs: {Message}", options.OrchestratorId, ex.Message);
            throw;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The Orchestrator {OrchestratorId} stopped taking runs on an unexpected error", options.OrchestratorId);
            throw;
        }
        finally
        {
            // Runs already taken are finished (each stage is bounded by the stall timeout) while the heartbeat goes on.
            await Task.WhenAll(running).ConfigureAwait(false);
        }
    }

    /// <summary>The next run request, or null after a second of none; claims left by an earlier life of this Orchestrator first.</summary>
    private Task<IClaimedTask?> ClaimAsync(CancellationToken stoppingToken) => resilience.ExecuteAsync(
        async ct =>
        {
            if (_recoverClaims)
            {
                await runRequests.RecoverAsync(options.OrchestratorId, ct).ConfigureAwait(false);
                _recoverClaims = false;
            }

            try
            {
                return await runRequests.ClaimAsync(options.OrchestratorId, TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisTransience.IsTransient(ex))
            {
                _recoverClaims = true;
                throw;
            }
        },
        "claiming a run request",
        stoppingToken);

    /// <summary>
    /// Decides what to do with a claimed request: null when it was settled here (invalid, duplicate, ended, or not
    /// servable from this machine), otherwise the request and whether the run already exists (adoption).
    /// </summary>
    private async Task<(RunRequest Request, bool Adopt)?> AcceptAsync(IClaimedTask claimed)
    {
        var read = TaskContractReader.ReadRunRequest(claimed.ContractJson);
        if (read.Contract is not { } request)
        {
            await SettleAsync(claimed, c => c.DeadLetterAsync($"invalid run request: {read.Error}")).ConfigureAwait(false);
            return null;
        }

        if (_active.TryGet(request.RunId, out var active))
        {
            // Our own run, handed back while our heartbeat lapsed (a Redis restart): keep the newest claim for the end.
            logger.LogInformation("Run request {RunId} came back while this Orchestrator executes it; keeping it claimed", request.RunId);
            active.Claim = claimed;
            return null;
        }

        var manifestPath = Path.Combine(request.RunFolder, RunFolder.ManifestFileName);
        var exists = File.Exists(manifestPath);
        var (store, storeProblem) = await stores.ResolveAsync(request.ArtifactStore, null).ConfigureAwait(false);
        var problem = storeProblem
            ?? (!exists && !Directory.Exists(request.ExperimentPath) ? $"the experiment folder {request.ExperimentPath} is not visible from this machine" : null);
        if (store is null || problem is not null)
        {
            logger.LogInformation("Run {RunId} left for an Orchestrator that can serve it: {Problem}", request.RunId, problem);
            await SettleAsync(claimed, c => c.ReleaseAsync()).ConfigureAwait(false);
            await Task.Delay(CannotServePause, time).ConfigureAwait(false);
            return null;
        }

        if (exists && await SettledAsEndedAsync(claimed, request, manifestPath).ConfigureAwait(false))
        {
            return null;
        }

        if (!await TakeOverAsync(request).ConfigureAwait(false))
        {
            // A live Orchestrator executes it; this copy (a resume request, a redelivery) is not ours to keep.
            logger.LogInformation("Run {RunId} is executed by a live Orchestrator; this copy of its request is discarded", request.RunId);
            await SettleAsync(claimed, c => c.DiscardAsync()).ConfigureAwait(false);
            return null;
        }

        return (request, exists);
    }

    /// <summary>A request for a run that has ended (and is not to be resumed), or whose manifest cannot be read, is settled here.</summary>
    private async Task<bool> SettledAsEndedAsync(IClaimedTask claimed, RunRequest request, string manifestPath)
    {
        RunManifest manifest;
        try
        {
            manifest = RunFolder.ReadManifest(manifestPath);
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidDataException or UnauthorizedAccessException)
        {
            await SettleAsync(claimed, c => c.DeadLetterAsync($"run {request.RunId}: its manifest {manifestPath} cannot be read ({ex.Message})")).ConfigureAwait(false);
            return true;
        }

        // A resume repairs what is missing: a failed or cancelled run, and a finished one whose analyses partly failed.
        var resumable = request.Options?.GetValueOrDefault("resume") == "true"
            && (manifest.Status is RunStatus.Failed or RunStatus.Cancelled || (manifest.Status == RunStatus.CompletedWithFailures && manifest.Failures.Count > 0));
        if (RunStatus.IsFinal(manifest.Status) && !resumable)
        {
            logger.LogInformation("Run request {RunId} delivered again after the run ended ({Status}); dropped", request.RunId, manifest.Status);
            await SettleAsync(claimed, c => c.AckWithoutSignalAsync()).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Records this Orchestrator as the run's. A run held by an Orchestrator whose heartbeat lives is not taken; orphan
    /// recovery first clears the heartbeats of processes of this machine that are provably gone, so `run --resume`
    /// after a kill need not wait for the heartbeat to expire.
    /// </summary>
    private async Task<bool> TakeOverAsync(RunRequest request)
    {
        if (await resilience.ExecuteAsync(ct => states.TryTakeOverAsync(request.RunId, options.OrchestratorId, ct), $"taking run {request.RunId}").ConfigureAwait(false))
        {
            return true;
        }

        await resilience.ExecuteAsync(ct => orphans.RequeueOrphansAsync(ct), "returning the claims of stopped workers").ConfigureAwait(false);
        return await resilience.ExecuteAsync(ct => states.TryTakeOverAsync(request.RunId, options.OrchestratorId, ct), $"taking run {request.RunId}").ConfigureAwait(false);
    }

    private async Task HandleRequestAsync(IClaimedTask claimed, RunRequest request, bool adopt, CancellationToken cancellationToken)
    {
        var active = _active.Add(request.RunId, claimed);
        try
        {
            await _driver.ExecuteAsync(request, adopt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError(ex, "Run {RunId} ended with an unexpected error", request.RunId);
            await _driver.MarkFailedAsync(request, $"unexpected {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
        }
        finally
        {
            _active.Remove(request.RunId);
        }

        try
        {
            // The request leaves our processing list only now that the run has ended and its folder says so.
            await SettleAsync(active.Claim, c => c.AckWithoutSignalAsync()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogError("Run {RunId} ended but its request could not be acknowledged ({Message}); whoever takes it next sees the run has ended", request.RunId, ex.Message);
        }

        Interlocked.Exchange(ref _nextRunEnd, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private async Task SettleAsync(IClaimedTask claimed, Func<IClaimedTask, Task<SettleOutcome>> settle)
    {
        var outcome = await resilience.ExecuteAsync(_ => settle(claimed), $"settling run request {claimed.TaskId}").ConfigureAwait(false);
        if (outcome == SettleOutcome.NotOwned)
        {
            logger.LogInformation("Run request {RunId} was no longer claimed by this Orchestrator when it was settled", claimed.TaskId);
        }
    }
}
