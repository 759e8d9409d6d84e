using System.Collections.Concurrent;
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
internal sealed record RunStart(string? RunId, IReadOnlyList<string> Problems, CostEstimate? Estimate);

/// <summary>
/// Starts runs from the browser with the CLI's rules (<see cref="ExperimentValidator"/>, <see cref="ModelSelection"/>,
/// <see cref="RunPlanner"/>: validation, model checks, estimate, budget) and executes them in this process on a
/// <see cref="DiscernusHost"/> (embedded Garnet, or DISCERNUS_REDIS_URL), one per artifact store and concurrency,
/// started on first use and disposed with the server. Live state comes from those hosts, or from the external Redis.
/// </summary>
internal sealed class RunService(WorkspaceOptions options, ILogger<RunService> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, DiscernusHost> _hosts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DiscernusHost> _runs = new(StringComparer.Ordinal);
    private RedisConnections? _external;

    public async Task<RunStart> StartAsync(string experimentFolder, string? model, int? runs, int? concurrency, CancellationToken cancellationToken)
    {
        if ((RunRules.RunsProblem(runs, "runs") ?? RunRules.ConcurrencyProblem(concurrency, "concurrency")) is { } outOfRange)
        {
            return new RunStart(null, [outOfRange], null);
        }

        // The documents' content is read once, below, into the run's store with their tokens counted.
        var report = ExperimentService.Validate(experimentFolder, options.Environment, readDocuments: false, cancellationToken);
        if (!report.IsValid)
        {
            return new RunStart(null, report.Blocking.Select(f => $"{f.Location}: {f.Message} (fix: {f.Fix})").ToList(), null);
        }

        var experiment = report.Experiment!;
        var models = ModelSelection.Resolve(string.IsNullOrWhiteSpace(model) ? null : model, experiment, options.Environment);
        if (runs is { } n)
        {
            models = models with { RunsPerModel = n };
        }

        var badNames = models.Names.Select(ModelNameCheck.Problem).OfType<string>().ToList();
        if (badNames.Count > 0)
        {
            return new RunStart(null, badNames, null);
        }

        var store = await ArtifactStoreFactory.CreateAsync(RunPlanner.StoreFor(experiment, options.Environment), options.TimeProvider, cancellationToken: cancellationToken);
        var documents = await RunPlanner.ReadDocumentsAsync(report, models.Names, store, cancellationToken);
        if (!documents.Report.IsValid)
        {
            return new RunStart(null, documents.Report.Blocking.Select(f => $"{f.Location}: {f.Message} (fix: {f.Fix})").ToList(), null);
        }

        var plan = RunPlanner.Plan(experiment, models, options.Environment, options.TimeProvider,
            new Dictionary<string, string>(await RunPlanner.PassOnAsync(documents.Readings, store, cancellationToken)) { [RunRequestOptions.Cache] = Models.CacheModes.Use }, documents.Tokens);
        if (!plan.CanStart)
        {
            return new RunStart(null, [.. plan.PreflightProblems, .. plan.BudgetProblem is { } b ? [b] : Array.Empty<string>(), .. plan.RunsFolderProblem is { } r ? [r] : Array.Empty<string>()], plan.Estimate);
        }

        var host = await HostForAsync(RunPlanner.StoreFor(experiment, options.Environment), concurrency, cancellationToken);
        await host.SubmitAsync(plan.Request!, cancellationToken);
        _runs[plan.Request!.RunId] = host;
        // The Orchestrator claims the run folder within moments; the run page needs its manifest to show anything.
        var manifest = Path.Combine(plan.Request.RunFolder, Provenance.RunFolder.ManifestFileName);
        for (var waited = 0; waited < 300 && !File.Exists(manifest); waited++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), options.TimeProvider, cancellationToken);
        }

        logger.LogInformation("Started run {RunId} of {Experiment} from the browser ({Models})", plan.Request.RunId, experiment.Name, string.Join(",", models.Names));
        return new RunStart(plan.Request.RunId, [], plan.Estimate);
    }

    /// <summary>run:{id}:state from the host that executes the run here, or from DISCERNUS_REDIS_URL; null when neither knows it.</summary>
    public async Task<RunState?> StateAsync(string runId, CancellationToken cancellationToken)
    {
        try
        {
            if (_runs.TryGetValue(runId, out var host))
            {
                return await host.GetStateAsync(runId, cancellationToken);
            }

            if (SettingCatalog.Redis(options.Environment) is not { Url: { } url } redis)
            {
                return null;
            }

            _external ??= await RedisConnections.ConnectAsync(RedisConnectionFactory.Parse(url), cancellationToken);
            return await new RunStateStore(_external, RunRules.KeysFor(options.Environment), options.TimeProvider).GetAsync(runId, cancellationToken);
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

            var hostOptions = HostOptions.FromEnvironment(options.Environment, store.FolderPath) with { OfflineModels = options.OfflineModels };
            if (concurrency is { } n)
            {
                hostOptions = hostOptions with { Router = hostOptions.Router with { Concurrency = n } };
            }

            hostOptions.Router.Validate();
            var host = await DiscernusHost.StartAsync(hostOptions, options.TimeProvider, logger, cancellationToken);
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
internal sealed record RunProgress(string Status, string? Stage, int Done, int Total, int Failed, string Text, bool Final)
{
    /// <summary>The event's data, in the compact JSON every Discernus stream uses.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, DiscernusJson.Compact);
}
