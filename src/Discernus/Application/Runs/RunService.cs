using System.Collections.Concurrent;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Orchestration;
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
        if (runs is < 1 or > 100)
        {
            return new RunStart(null, [$"runs must be a whole number from 1 to 100, not {runs}."], null);
        }

        if (concurrency is < 1 or > 256)
        {
            return new RunStart(null, [$"concurrency must be a whole number from 1 to 256, not {concurrency}."], null);
        }

        // The documents' content is read once, below, into the run's store with their tokens counted.
        var report = ExperimentValidator.Validate(experimentFolder, ExperimentLimits.FromEnvironment(options.Environment), cancellationToken, readDocuments: false);
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

            if (options.Environment.GetValueOrDefault("DISCERNUS_REDIS_URL") is not { Length: > 0 } url)
            {
                return null;
            }

            _external ??= await RedisConnections.ConnectAsync(RedisConnectionFactory.Parse(url), cancellationToken);
            var keys = new RedisKeys(options.Environment.GetValueOrDefault("DISCERNUS_REDIS_PREFIX") ?? "discernus:");
            return await new RunStateStore(_external, keys, options.TimeProvider).GetAsync(runId, cancellationToken);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException or StackExchange.Redis.RedisException or TimeoutException)
        {
            // The manifest still tells the progress (the Orchestrator writes its counts every 2 s).
            logger.LogWarning("Could not read the live state of run {RunId}: {Message}", runId, ex.Message);
            return null;
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
