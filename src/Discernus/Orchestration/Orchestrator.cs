using System.Collections.Concurrent;
using Discernus.Agents;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration;

/// <summary>
/// The only component that knows the stage order: VALIDATION → RUN SETUP → BATCH ANALYSIS → SYNTHESIS → REPORT.
/// It heartbeats like a worker and keeps each run request claimed in its processing list until the run has ended, so
/// when its process dies the request returns to <c>orchestrator.tasks</c> (orphan recovery) and a live Orchestrator
/// that sees the run folder adopts the run, continuing from the results and completion signals already recorded.
/// </summary>
internal sealed partial class Orchestrator(
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
    ExperimentLimits limits,
    IReadOnlyDictionary<string, string?> environment,
    TimeProvider time,
    ILogger logger,
    Telemetry.DiscernusMetrics? metrics = null)
{
    private const string Agent = nameof(Orchestrator);
    private static readonly TimeSpan CannotServePause = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, ActiveRun> _active = new(StringComparer.Ordinal);

    /// <summary>Runs this Orchestrator is executing now (any `discernus run` on the same Redis may have submitted them).</summary>
    public IReadOnlyCollection<string> ActiveRuns => _active.Keys.ToList();

    /// <summary>Takes run requests from <c>orchestrator.tasks</c> until stopped; runs already taken are finished.</summary>
    public async Task RunLoopAsync(CancellationToken stoppingToken, CancellationToken abortToken)
    {
        var running = new List<Task>();
        await using var heartbeat = new WorkerHeartbeat(connections, keys, options.OrchestratorId, timeProvider: time, logger: logger, metrics: metrics);
        try
        {
            await resilience.ExecuteAsync(ct => heartbeat.StartAsync(ct), "starting the Orchestrator's heartbeat", stoppingToken).ConfigureAwait(false);
            var recover = true;
            var lastOrphanCheck = long.MinValue;
            while (!stoppingToken.IsCancellationRequested)
            {
                if (lastOrphanCheck == long.MinValue || time.GetElapsedTime(lastOrphanCheck) >= options.OrphanCheckInterval)
                {
                    // Dead workers' tasks and dead Orchestrators' run requests go back on their queues, even between runs.
                    lastOrphanCheck = time.GetTimestamp();
                    await resilience.ExecuteAsync(ct => orphans.RequeueOrphansAsync(ct), "returning the claims of stopped workers", stoppingToken).ConfigureAwait(false);
                }

                var claimed = await resilience.ExecuteAsync(
                    async ct =>
                    {
                        if (recover)
                        {
                            await runRequests.RecoverAsync(options.OrchestratorId, ct).ConfigureAwait(false);
                            recover = false;
                        }

                        try
                        {
                            return await runRequests.ClaimAsync(options.OrchestratorId, TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (RedisTransience.IsTransient(ex))
                        {
                            recover = true;
                            throw;
                        }
                    },
                    "claiming a run request",
                    stoppingToken).ConfigureAwait(false);
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

        if (_active.TryGetValue(request.RunId, out var active))
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

        if (exists)
        {
            RunManifest manifest;
            try
            {
                manifest = RunFolder.ReadManifest(manifestPath);
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidDataException or UnauthorizedAccessException)
            {
                await SettleAsync(claimed, c => c.DeadLetterAsync($"run {request.RunId}: its manifest {manifestPath} cannot be read ({ex.Message})")).ConfigureAwait(false);
                return null;
            }

            // A resume repairs what is missing: a failed or cancelled run, and a finished one whose analyses partly failed.
            var resumable = request.Options?.GetValueOrDefault("resume") == "true"
                && (manifest.Status is RunStatus.Failed or RunStatus.Cancelled || (manifest.Status == RunStatus.CompletedWithFailures && manifest.Failures.Count > 0));
            if (RunStatus.IsFinal(manifest.Status) && !resumable)
            {
                logger.LogInformation("Run request {RunId} delivered again after the run ended ({Status}); dropped", request.RunId, manifest.Status);
                await SettleAsync(claimed, c => c.AckWithoutSignalAsync()).ConfigureAwait(false);
                return null;
            }
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
        var active = new ActiveRun(claimed);
        _active[request.RunId] = active;
        try
        {
            await ExecuteAsync(request, adopt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError(ex, "Run {RunId} ended with an unexpected error", request.RunId);
            await MarkFailedAsync(request, $"unexpected {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
        }
        finally
        {
            _active.TryRemove(request.RunId, out _);
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
    }

    private async Task SettleAsync(IClaimedTask claimed, Func<IClaimedTask, Task<SettleOutcome>> settle)
    {
        var outcome = await resilience.ExecuteAsync(_ => settle(claimed), $"settling run request {claimed.TaskId}").ConfigureAwait(false);
        if (outcome == SettleOutcome.NotOwned)
        {
            logger.LogInformation("Run request {RunId} was no longer claimed by this Orchestrator when it was settled", claimed.TaskId);
        }
    }

    /// <summary>The claim of a run being executed; replaced when the request is delivered to us again.</summary>
    private sealed class ActiveRun(IClaimedTask claim)
    {
        private IClaimedTask _claim = claim;

        public IClaimedTask Claim
        {
            get => Volatile.Read(ref _claim);
            set => Volatile.Write(ref _claim, value);
        }
    }
}
