using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Discernus.Artifacts;
using Discernus.Configuration;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Application;

/// <summary>What starting a run from the page came to: the run id, or the problems that stopped it (nothing was run).</summary>
public sealed record RunStart(string? RunId, IReadOnlyList<string> Problems);

/// <summary>
/// Starts runs from the browser with the CLI's start sequence (<see cref="RunLauncher"/>: validation, models, the one
/// read of the documents, model checks, estimate, budget) and executes them in this process on a
/// <see cref="DiscernusHost"/> (embedded Garnet, or DISCERNUS_REDIS_URL), one per artifact store and concurrency,
/// started on first use and disposed with the server. Live state comes from those hosts, or from the external Redis.
/// </summary>
public sealed class RunService(WorkspaceOptions options, ILogger<RunService> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, DiscernusHost> _hosts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DiscernusHost> _runs = new(StringComparer.Ordinal);
    private RedisConnections? _external;

    public async Task<RunStart> StartAsync(string experimentFolder, string? model, int? runs, int? concurrency, CancellationToken cancellationToken)
    {
        if ((RunRules.RunsProblem(runs, "runs") ?? RunRules.ConcurrencyProblem(concurrency, "concurrency")) is { } outOfRange)
        {
            return new RunStart(null, [outOfRange]);
        }

        var run = await RunLauncher.PrepareAsync(new RunOrder(experimentFolder) { Model = string.IsNullOrWhiteSpace(model) ? null : model, Runs = runs }, options, cancellationToken);
        if (!run.CanStart)
        {
            return new RunStart(null, run.ProblemLines());
        }

        var request = run.Request!;
        var host = await HostForAsync(run.Store!, concurrency, cancellationToken);
        host.WarmUp(run.Models);
        await host.SubmitAsync(request, cancellationToken);
        _runs[request.RunId] = host;
        // The Orchestrator claims the run folder within moments; the run page needs its manifest to show anything.
        var manifest = Path.Combine(request.RunFolder, Provenance.RunFolder.ManifestFileName);
        for (var waited = 0; waited < 300 && !File.Exists(manifest); waited++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), options.TimeProvider, cancellationToken);
        }

        logger.LogInformation("Started run {RunId} of {Experiment} from the browser ({Models})", request.RunId, run.ExperimentName, string.Join(",", run.Models));
        return new RunStart(request.RunId, []);
    }

    /// <summary>run:{id}:state from the host that executes the run here, or from DISCERNUS_REDIS_URL; null when neither knows it.</summary>
    internal async Task<RunState?> StateAsync(string runId, CancellationToken cancellationToken)
    {
        try
        {
            if (_runs.TryGetValue(runId, out var host))
            {
                return await host.GetStateAsync(runId, cancellationToken);
            }

            if (options.Settings.Redis is not { Url: { } url })
            {
                return null;
            }

            _external ??= await RedisConnections.ConnectAsync(RedisConnectionFactory.Parse(url), cancellationToken);
            return await new RunStateStore(_external, RunRules.KeysFor(options), options.TimeProvider).GetAsync(runId, cancellationToken);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException or StackExchange.Redis.RedisException or TimeoutException)
        {
            // The manifest still tells the progress (the Orchestrator writes its counts every 2 s).
            logger.LogWarning("Could not read the live state of run {RunId}: {Message}", runId, ex.Message);
            return null;
        }
    }

    /// <summary>The progress a page shows; the Redis state wins over the manifest while both are live.</summary>
    public async Task<RunProgress> ProgressAsync(string runFolder, string runId, TimeProvider time, CancellationToken cancellationToken)
    {
        var manifestPath = Path.Combine(runFolder, RunFolder.ManifestFileName);
        RunManifest manifest;
        try
        {
            manifest = RunFolder.ReadManifest(manifestPath);
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidDataException)
        {
            // The manifest is replaced by rename; a reader that lost the race reads it again on the next poll.
            return new RunProgress("unknown", null, 0, 0, 0, "reading the manifest…", false);
        }

        var stage = manifest.Stages.LastOrDefault(s => s.Status == RunStatus.Running) ?? manifest.Stages.LastOrDefault();
        var (total, done, failed) = (stage?.TasksTotal ?? 0, (stage?.TasksSucceeded ?? 0) + (stage?.TasksFailed ?? 0), stage?.TasksFailed ?? 0);
        var state = RunStatus.IsFinal(manifest.Status) ? null : await StateAsync(runId, cancellationToken);
        if (state is { Total: { } t })
        {
            (total, done, failed) = (t, state.Completed ?? done, state.Failed ?? failed);
        }

        var final = RunStatus.IsFinal(manifest.Status);
        var status = final ? manifest.Status : state?.Status ?? manifest.Status;
        var stageName = state?.Stage ?? stage?.Name;
        var liveness = RunLiveness.Describe(manifestPath, manifest, time);
        var text = final
            ? $"{manifest.Status.Replace('_', ' ')}"
            : $"{liveness}: {(stageName is null ? "starting" : StageNames.Title(stageName))}{(total > 0 ? $" {done}/{total} done{(failed > 0 ? $", {failed} failed" : "")}" : "")}";
        return new RunProgress(status, stageName, done, total, failed, text, final);
    }

    /// <summary>The run's progress until it ends or the watcher leaves: an event whenever it changes, polled every <paramref name="poll"/>.</summary>
    public async IAsyncEnumerable<RunProgress> WatchAsync(string runFolder, string runId, TimeSpan poll, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RunProgress? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var progress = await ProgressAsync(runFolder, runId, options.TimeProvider, cancellationToken);
            if (progress != last)
            {
                last = progress;
                yield return progress;
            }

            if (progress.Final)
            {
                yield break;
            }

            try
            {
                await Task.Delay(poll, options.TimeProvider, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    private async Task<DiscernusHost> HostForAsync(ArtifactStoreOptions store, int? concurrency, CancellationToken cancellationToken)
    {
        var key = $"{store.Backend}|{store.FolderPath}|{concurrency}";
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_hosts.TryGetValue(key, out var existing))
            {
                if (existing.LoopFailure is null)
                {
                    return existing;
                }

                logger.LogWarning("The run host for {Store} stopped ({Message}); starting a new one", store.FolderPath, existing.LoopFailure.Message);
                _hosts.TryRemove(key, out _);
                await existing.DisposeAsync();
            }

            var host = await DiscernusHost.StartAsync(RunSession.HostOptionsFor(options, store.FolderPath, new RunHostChoices(concurrency)), options.TimeProvider, logger, cancellationToken);
            _hosts[key] = host;
            return host;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A host waits for the runs it executes; a server that stops cancels them first (they can be resumed with
        // `discernus run --resume`), rather than leaving them to the stall timeout with no agent loops.
        foreach (var (runId, host) in _runs)
        {
            try
            {
                if (await host.GetStateAsync(runId, CancellationToken.None) is { Status: var status } && !RunStatuses.IsFinal(status))
                {
                    logger.LogWarning("Cancelling run {RunId}: the server is stopping", runId);
                    await host.RequestCancelAsync(runId);
                }
            }
            catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
            {
                logger.LogWarning("Could not cancel run {RunId} while stopping: {Message}", runId, ex.Message);
            }
        }

        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync();
        }

        _hosts.Clear();
        if (_external is not null)
        {
            await _external.DisposeAsync();
        }

        _gate.Dispose();
    }
}

/// <summary>One progress event.</summary>
public sealed record RunProgress(string Status, string? Stage, int Done, int Total, int Failed, string Text, bool Final)
{
    /// <summary>The event's data, in the compact JSON every Discernus stream uses.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, DiscernusJson.Compact);
}
