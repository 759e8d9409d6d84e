using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Offline.Lexicon;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Discernus.Orchestration;

/// <summary>
/// The composition root of one Discernus process: Redis (embedded Garnet by default), the queues, the Orchestrator
/// loop and the Router's agent loops. The same code serves `discernus run` (all in one process) and `discernus worker`
/// (agents only, against an external Redis).
/// </summary>
internal sealed class DiscernusHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly List<Task> _loops = [];
    private Task? _sampler;
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EmbeddedGarnetServer? _garnet;
    private RedisConnections? _connections;
    private RedisTaskQueue? _tasks;
    private RedisTaskQueue? _runRequests;
    private RunRegistry? _registry;
    private List<IOfflineModel> _offlineModels = [];
    private readonly Telemetry.DiscernusMetrics _metrics = new();

    private DiscernusHost(HostOptions options, TimeProvider time, ILogger logger)
    {
        Options = options;
        Time = time;
        Logger = logger;
    }

    public HostOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; private set; }

    internal RedisKeys Keys { get; private set; } = null!;

    internal RunStateStore States { get; private set; } = null!;

    internal CoordinationResilience Resilience { get; private set; } = null!;

    /// <summary>This process's artifact store; runs it submits record its identity.</summary>
    public IArtifactStore Store { get; private set; } = null!;

    internal RedisConnections Connections => _connections!;

    internal Orchestrator? Orchestrator { get; private set; }

    /// <summary>This host's instruments on the <c>Discernus</c> meter; a meter provider of the process exports them.</summary>
    internal Telemetry.DiscernusMetrics Metrics => _metrics;

    /// <summary>The process's model gateway (its breakers are part of readiness).</summary>
    internal Models.ModelGateway? Gateway => _registry?.Gateway;

    /// <summary>The background loops (Orchestrator, agent loops) still running: none has ended or failed.</summary>
    internal bool LoopsRunning => _loops.Count > 0 && _loops.All(l => !l.IsCompleted);

    /// <summary>Where Redis is, for messages: "embedded Garnet at 127.0.0.1:port" or the URL without its password.</summary>
    public string RedisDescription { get; private set; } = string.Empty;

    public bool Embedded => _garnet is not null;

    public static async Task<DiscernusHost> StartAsync(HostOptions options, TimeProvider? time = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var host = new DiscernusHost(options, time ?? TimeProvider.System, logger ?? NullLogger.Instance);
        try
        {
            await host.StartCoreAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var (factory, connections) = await ConnectRedisAsync(cancellationToken).ConfigureAwait(false);
        _connections = connections;
        Keys = new RedisKeys(Options.KeyPrefix);
        if (Options.RedisUrl is not null)
        {
            await CheckEvictionPolicyAsync(factory, cancellationToken).ConfigureAwait(false);
        }

        Store = await ArtifactStoreFactory.CreateAsync(Options.Settings.Store(Options.ArtifactsDirectory), Time, Logger, cancellationToken).ConfigureAwait(false);
        // One gateway per process; with an external Redis its rate limits and the concurrency ceiling it learns are
        // shared by every worker on it, and the calls it makes for runs hosted elsewhere reach their Orchestrators.
        var shared = Options.RedisUrl is not null;
        var buckets = shared ? new RedisTokenBucketStore(_connections, Keys) : null;
        States = new RunStateStore(_connections, Keys, Time);
        var processLogger = Logger;
        var links = new RegistryLinks(
            shared ? new RedisConcurrencyCeilingStore(_connections, Keys) : null,
            new RemoteRunInteractionSink(new RunCallRecords(_connections, Keys), processLogger),
            async (runId, outage, ct) =>
            {
                try
                {
                    await States.RecordOutageAsync(runId, outage, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (RedisTransience.IsTransient(ex) || ex is CoordinationFaultException or OperationCanceledException)
                {
                    // Best effort: the calls wait anyway; only the run's watchers miss the notice.
                    processLogger.LogWarning("The outage of {Endpoint} could not be recorded on run {RunId}: {Message}", outage.Endpoint, runId, ex.Message);
                }
            });
        _offlineModels = LexiconOfflineModel.With(Options.OfflineModels.Select(create => create(Store)));
        _registry = new RunRegistry(Options.Settings.Models, new ModelGatewayOptions { OfflineModels = _offlineModels }, new ArtifactResponseCache(Store), Time, buckets, Logger, links, _metrics);
        _metrics.ObserveBreakers(_registry.Gateway.BreakerStates);
        Logger = new RunLogForwardingLogger(Logger, _registry, "coordination");
        Resilience = new CoordinationResilience(RedisDescription, Options.RedisOutageLimit, Time, Logger);
        _tasks = RedisTaskQueue.ForTasks(_connections, Keys, new TaskQueueOptions { MaxAttempts = Options.Router.MaxAttempts }, Time, Logger, _metrics);
        _runRequests = RedisTaskQueue.ForRunRequests(_connections, Keys, null, Time, Logger);

        var stores = new RunStoreResolver(Store);

        if (Options.RunOrchestrator)
        {
            Orchestrator = new Orchestrator(_runRequests, _tasks, _connections, Keys, States, new OrphanRecovery(_connections, Keys, Logger, _metrics), stores, _registry,
                Resilience, Options.Orchestrator, Options.Settings, Time, Logger, _metrics);
            Watch("Orchestrator", Task.Run(() => Orchestrator.RunLoopAsync(_stopping.Token, _abort.Token)));
        }

        if (Options.RunWorkers)
        {
            StartWorkers(stores, _tasks, _connections, _registry);
        }

        // The coordination gauges; the sampler asks Redis only while a meter provider listens. Not watched: a gauge
        // that cannot be sampled is no reason to stop the process.
        _sampler = Task.Run(() => new CoordinationSampler(_connections, Keys, _metrics, Time, Logger).RunAsync(_stopping.Token));
    }

    /// <summary>The embedded server, or the one DISCERNUS_REDIS_URL names, connected and answering.</summary>
    private async Task<(RedisConnectionFactory Factory, RedisConnections Connections)> ConnectRedisAsync(CancellationToken cancellationToken)
    {
        RedisConnectionFactory factory;
        if (Options.RedisUrl is null)
        {
            _garnet = Options.EmbeddedServer is { } early
                ? await early.AdoptAsync(Logger).ConfigureAwait(false)
                : await EmbeddedGarnetServer.StartAsync(cancellationToken: cancellationToken, logger: Logger).ConfigureAwait(false);
            factory = _garnet.CreateConnectionFactory();
            RedisDescription = _garnet.ToString();
        }
        else
        {
            factory = RedisConnectionFactory.Parse(Options.RedisUrl);
            RedisDescription = factory.Description;
        }

        var connections = await RedisConnections.ConnectAsync(factory, cancellationToken).ConfigureAwait(false);
        try
        {
            await connections.Database.PingAsync().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException or TimeoutException)
        {
            throw new CoordinationUnavailableException(
                $"cannot reach Redis at {RedisDescription}: {RedisTransience.Describe(ex)}. Check DISCERNUS_REDIS_URL and that the server runs, or unset DISCERNUS_REDIS_URL to use the embedded server.", ex);
        }

        return (factory, connections);
    }

    /// <summary>The agent loops, each agent in this process or, with process isolation, in a child per task.</summary>
    private void StartWorkers(RunStoreResolver stores, ITaskQueue tasks, RedisConnections connections, RunRegistry registry)
    {
        if (_garnet is not null)
        {
            // Embedded Garnet holds a thread-pool thread for every blocked BLMOVE; without enough threads the agent
            // loops starve the process into Redis timeouts. A process-wide setting, made by the composition root.
            ThreadPool.GetMinThreads(out var workers, out var io);
            ThreadPool.SetMinThreads(Math.Max(workers, (Options.Router.Concurrency * 2) + 32), io);
        }

        var isolation = Options.Router.Isolation;
        isolation.Validate();
        var childEnvironment = isolation.Mode == AgentIsolationMode.Process ? ChildEnvironment() : null;
        IReadOnlyList<IAgent> AgentsFor(IArtifactStore store)
        {
            var context = new AgentContext { Store = store, Runs = registry, TimeProvider = Time, MaxReportBytes = Options.Settings.Limits.MaxReportBytes };
            var agents = CreateAgents(context);
            return childEnvironment is null
                ? agents
                : agents.Select(a => (IAgent)new ProcessIsolatedAgent(a, new AgentProcessRequest.Place(store.Identity, Options.ArtifactsDirectory, context.Worker), isolation, childEnvironment, registry, Time, Logger)).ToList();
        }

        var router = new Router(tasks, connections, Keys, States, AgentsFor, stores, Resilience, Options.Router, Time, Logger, _metrics);
        Watch("agent loops", Task.Run(() => router.RunAsync(_stopping.Token)));
    }

    /// <summary>
    /// Refuses (or, with <c>DISCERNUS_REDIS_EVICTION=warn</c>, warns about) an external Redis that may evict keys, as
    /// `doctor` reports it: an eviction drops queued tasks and claims without a word. A policy that cannot be read
    /// (CONFIG refused by a managed service) is a warning only.
    /// </summary>
    private async Task CheckEvictionPolicyAsync(RedisConnectionFactory factory, CancellationToken cancellationToken)
    {
        DoctorCheck check;
        try
        {
            check = await new RedisDoctor(factory, Keys, RedisDescription, "").CheckEvictionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            Logger.LogWarning("Could not check the maxmemory-policy of {Redis}: {Message}", RedisDescription, ex.Message);
            return;
        }

        if (check.Status == DoctorStatus.Fail && Options.RefuseEvictingRedis)
        {
            throw new CoordinationFaultException(
                $"the Redis at {RedisDescription} may evict keys (maxmemory-policy {check.Detail}), which can silently drop queued tasks, claims and run state. {check.Fix} " +
                $"To start anyway, set {Configuration.RedisSettings.EvictionVariable}=warn.");
        }

        if (check.Status is DoctorStatus.Fail or DoctorStatus.Warn)
        {
            EvictionWarning = $"maxmemory-policy of {RedisDescription}: {check.Detail}. {check.Fix}";
            Logger.LogWarning("{Warning}", EvictionWarning);
        }
    }

    /// <summary>Set when the external Redis may evict keys and the process was told to go on anyway; the CLI prints it.</summary>
    public string? EvictionWarning { get; private set; }

    /// <summary>Every agent, working on one artifact store; a worker and a child agent process build the same set.</summary>
    internal static IReadOnlyList<IAgent> CreateAgents(AgentContext context) =>
        [new AnalyseDocumentAgent(context), new SynthesisAgent(context), new ReportAgent(context)];

    /// <summary>
    /// The environment of a child agent process: this host's configuration (secrets included: the environment is the
    /// one channel for them) and its Redis, embedded or not, for the model gateway's shared per-minute limits.
    /// </summary>
    private Dictionary<string, string?> ChildEnvironment()
    {
        var environment = new Dictionary<string, string?>(Options.Settings.Values, StringComparer.Ordinal)
        {
            [Configuration.RedisSettings.PrefixVariable] = Options.KeyPrefix,
        };
        environment[RedisConnectionFactory.UrlEnvironmentVariable] = Options.RedisUrl ?? _garnet?.Address;
        return environment;
    }

    /// <summary>
    /// Pushes a run request to <c>orchestrator.tasks</c>; any Orchestrator on this Redis that can serve it may take it.
    /// Returns how many notices the run's state held already (a watcher shows only the ones that come after).
    /// </summary>
    internal async Task<int> SubmitAsync(RunRequest request, CancellationToken cancellationToken = default)
    {
        request = request with { ArtifactStore = request.ArtifactStore ?? Store.Identity };
        return await Resilience.ExecuteAsync(
            async ct =>
            {
                // A new run starts as queued, and so does a resumed run that had ended: the previous execution's
                // outcome is not this one's, and a watcher must never report it. A run still marked running (its
                // Orchestrator died, or lives elsewhere) keeps its state, which tells who holds it.
                var existing = await States.GetAsync(request.RunId, ct).ConfigureAwait(false);
                var notices = existing?.Notices.Count ?? 0;
                if (existing is null || existing.Status is { } status && Provenance.RunStatus.IsFinal(status))
                {
                    await States.DeleteAsync(request.RunId, ct).ConfigureAwait(false);
                    await States.SetAsync(request.RunId, new Dictionary<string, string>
                    {
                        [RunStateFields.Status] = RunStatuses.Queued,
                        [RunStateFields.RunFolder] = request.RunFolder,
                    }, ct).ConfigureAwait(false);
                    notices = 0;
                }

                await _runRequests!.EnqueueRunRequestAsync(request, ct).ConfigureAwait(false);
                return notices;
            },
            $"submitting run {request.RunId}",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Warms the offline models among <paramref name="models"/> (a run about to start here names them), while the run is set up.</summary>
    internal void WarmUp(IEnumerable<string> models)
    {
        foreach (var name in models)
        {
            if (ModelName.TryParse(name, out var model, out _) && !model.IsHosted)
            {
                OfflineModelRegistry.Find(_offlineModels, model)?.WarmUp();
            }
        }
    }

    internal Task<RunState?> GetStateAsync(string runId, CancellationToken cancellationToken = default) =>
        Resilience.ExecuteAsync(ct => States.GetAsync(runId, ct), $"reading the state of run {runId}", cancellationToken);

    /// <summary>Runs of other submitters that this host's Orchestrator is executing; the host waits for them on dispose.</summary>
    internal IReadOnlyCollection<string> ForeignRuns(string ownRunId) => Orchestrator?.ActiveRuns.Where(r => r != ownRunId).ToList() ?? [];

    internal Task RequestCancelAsync(string runId) =>
        Resilience.ExecuteAsync(ct => States.RequestCancelAsync(runId, ct), $"cancelling run {runId}");

    /// <summary>A background loop that died (e.g. a coordination fault) surfaces here instead of going unnoticed.</summary>
    public Exception? LoopFailure => Failed.IsFaulted ? Failed.Exception!.InnerException : null;

    /// <summary>
    /// Faults with the reason as soon as any background loop ends on an error: a process that watches this (the
    /// worker command, the run command) stops with a non-zero exit instead of living on with dead loops.
    /// </summary>
    public Task Failed => _failed.Task;

    private void Watch(string name, Task loop)
    {
        _loops.Add(loop);
        _ = loop.ContinueWith(
            t =>
            {
                var reason = t.Exception!.Flatten().InnerExceptions.FirstOrDefault() ?? t.Exception;
                Logger.LogError("The {Loop} of this process stopped: {Message}", name, reason.Message);
                _failed.TrySetException(reason);
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            // Runs this host took from the shared queue end on their own (each stage is bounded by the stall timeout).
            await Task.WhenAll(_loops).WaitAsync(Options.Orchestrator.StallTimeout + TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or CoordinationFaultException or AggregateException)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Logger.LogWarning("a background loop ended with an error: {Message}", ex.Message);
        }

        if (_sampler is not null)
        {
            try
            {
                await _sampler.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Logger.LogWarning("the coordination gauges' sampler ended with an error: {Message}", ex.Message);
            }
        }

        _registry?.Dispose();
        _metrics.Dispose();
        foreach (var model in _offlineModels)
        {
            model.Dispose();
        }

        (Store as IDisposable)?.Dispose();
        if (_tasks is not null)
        {
            await _tasks.DisposeAsync().ConfigureAwait(false);
        }

        if (_runRequests is not null)
        {
            await _runRequests.DisposeAsync().ConfigureAwait(false);
        }

        if (_connections is not null)
        {
            await _connections.DisposeAsync().ConfigureAwait(false);
        }

        if (_garnet is not null)
        {
            await _garnet.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _abort.Dispose();
    }
}
