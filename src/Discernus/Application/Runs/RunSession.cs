using System.Runtime.CompilerServices;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Orchestration;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Application;

/// <summary>How the process that executes a run is set up beyond the settings: its agent loops, whether they run here, each task in its own process.</summary>
public sealed record RunHostChoices(int? Concurrency = null, bool LocalWorkers = true, bool IsolateAgents = false);

/// <summary>One look at a run being watched: its stage and counts, and the notices its Orchestrator wrote since the last look.</summary>
public sealed record RunUpdate(string? Stage, string? Status, int? Total, int? Completed, int? Failed, int? CacheHits = null, int? Retries = null)
{
    public IReadOnlyList<string> Notices { get; init; } = [];

    public string StageTitle => Stage is null ? "?" : StageNames.Title(Stage);

    public bool Final => Status is { } status && RunStatus.IsFinal(status);
}

/// <summary>The run cannot be watched to its end: a loop of its host stopped, its Orchestrator went silent, or Redis stayed away.</summary>
public sealed class RunAbortedException(string message) : Exception(message);

/// <summary>
/// A run executed by a host in this process (`discernus run`): embedded Garnet unless DISCERNUS_REDIS_URL is set. It is
/// submitted on start, watched as a stream of <see cref="RunUpdate"/>s, cancelled on request, and its host disposed
/// with the session. Every wait is bounded, and a Redis outage is ridden out up to DISCERNUS_REDIS_OUTAGE_SECONDS.
/// </summary>
public sealed class RunSession : IAsyncDisposable
{
    private static readonly TimeSpan PickUpTimeout = TimeSpan.FromSeconds(60);

    private readonly DiscernusHost _host;
    private readonly RunRequest _request;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _noticesBefore;
    private string? _lastError;

    private RunSession(DiscernusHost host, RunRequest request, TimeProvider time, ILogger logger, int noticesBefore) =>
        (_host, _request, _time, _logger, _noticesBefore) = (host, request, time, logger, noticesBefore);

    public string RunId => _request.RunId;

    public string RunFolder => _request.RunFolder;

    public string Coordination => _host.RedisDescription;

    public string Artifacts => _host.Store.Description;

    /// <summary>Set when Redis may evict the run's keys (its maxmemory policy).</summary>
    public string? EvictionWarning => _host.EvictionWarning;

    /// <summary>Agent loops in this process; 0 when `discernus worker` processes do the tasks.</summary>
    public int AgentLoops => _host.Options.RunWorkers ? _host.Options.Router.Concurrency : 0;

    /// <summary>
    /// Starts the host and submits the prepared run (a new one that can start, or one to resume); the host adopts the
    /// embedded server of <paramref name="early"/> when it began one.
    /// </summary>
    public static async Task<RunSession> StartAsync(PreparedRun run, RunHostChoices choices, WorkspaceOptions options, ILogger logger, EarlyCoordination early, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(early);
        var request = run.Request ?? throw new ArgumentException("the run cannot start: " + string.Join("; ", run.ProblemLines()), nameof(run));
        var hostOptions = HostOptionsFor(options, run.Store!.FolderPath, choices) with { EmbeddedServer = early.Server };
        var host = await DiscernusHost.StartAsync(hostOptions, options.TimeProvider, logger, cancellationToken);
        try
        {
            host.WarmUp(run.Models);
            var noticesBefore = await host.SubmitAsync(request, CancellationToken.None);
            logger.LogInformation("Submitted run {RunId} of {Experiment}", request.RunId, request.ExperimentPath);
            return new RunSession(host, request, options.TimeProvider, logger, noticesBefore);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>The host's options for a store folder and the choices: the settings, the host's offline models, and agents isolated in child processes of the host's program.</summary>
    internal static HostOptions HostOptionsFor(WorkspaceOptions options, string storeFolder, RunHostChoices choices)
    {
        var host = HostOptions.From(options.Settings, storeFolder) with { OfflineModels = options.OfflineModels, RunWorkers = choices.LocalWorkers };
        var router = choices.Concurrency is { } n ? host.Router with { Concurrency = n } : host.Router;
        if (choices.IsolateAgents)
        {
            var program = options.AgentProgram ?? throw new InvalidOperationException("agents run in child processes only from a program that can start them (`discernus agent`)");
            router = router with { Isolation = AgentIsolationOptions.Process(AgentProcessCommand.For(program), options.Settings) };
        }

        router.Validate();
        return host with { Router = router };
    }

    /// <summary>The run's updates until it ends; throws <see cref="RunAbortedException"/> when it cannot be watched to its end.</summary>
    public async IAsyncEnumerable<RunUpdate> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var submitted = _time.GetTimestamp();
        var shown = _noticesBefore;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_host.LoopFailure is { } failure)
            {
                throw new RunAbortedException(failure.Message);
            }

            // Taken before the state is read, so a run that ends after the read still wakes the wait below.
            var runEnd = _host.Orchestrator?.NextRunEnd;
            if (await StateAsync(cancellationToken) is { } state)
            {
                // Redis may have lost the state (and its notices with it): a rebuilt state numbers them from 1 again.
                var notices = state.Notices;
                shown = Math.Min(shown, notices.Count);
                var update = new RunUpdate(state.Stage, state.Status, state.Total, state.Completed, state.Failed, state.CacheHits, state.Retries) { Notices = [.. notices.Skip(shown)] };
                shown = notices.Count;
                yield return update;
                if (RunRules.HasGoneSilent(state, _host.Options.Orchestrator.StallTimeout, _time.GetUtcNow()))
                {
                    throw new RunAbortedException($"the Orchestrator executing run {RunId} stopped updating it at {state.UpdatedAt}; it has probably exited");
                }

                if (update.Final)
                {
                    yield break;
                }

                if (state.Status == RunStatuses.Queued && _time.GetElapsedTime(submitted) > PickUpTimeout)
                {
                    throw new RunAbortedException($"no Orchestrator took the run within {PickUpTimeout.TotalSeconds:F0} s");
                }
            }

            var poll = Task.Delay(TimeSpan.FromMilliseconds(250), _time, cancellationToken);
            await (runEnd is null ? poll : Task.WhenAny(poll, runEnd));
        }
    }

    /// <summary>Flags the run cancelled (its Orchestrator finishes the tasks in hand) and waits up to <paramref name="grace"/> for it to end.</summary>
    public async Task CancelAsync(TimeSpan grace)
    {
        try
        {
            await _host.RequestCancelAsync(RunId);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            _logger.LogWarning("Could not flag run {RunId} as cancelled in Redis: {Message}", RunId, ex.Message);
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            while (true)
            {
                var state = await _host.GetStateAsync(RunId, timeout.Token);
                _lastError = state?.Error ?? _lastError;
                if (state?.Status is { } status && RunStatus.IsFinal(status))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), _time, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or CoordinationUnavailableException or CoordinationFaultException)
        {
            // The run folder says how far it got.
        }
    }

    /// <summary>What the run folder recorded when the run ended (or stopped being watched).</summary>
    public RunEnd End() => RunEnd.Read(RunFolder, _lastError);

    /// <summary>Runs submitted elsewhere on the same Redis that this process's Orchestrator also took: it finishes them before exiting.</summary>
    public IReadOnlyCollection<string> ForeignRuns() => _host.ForeignRuns(RunId);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task<RunState?> StateAsync(CancellationToken cancellationToken)
    {
        try
        {
            var state = await _host.GetStateAsync(RunId, cancellationToken);
            _lastError = state?.Error ?? _lastError;
            return state;
        }
        catch (CoordinationUnavailableException ex)
        {
            // A Redis outage past its limit.
            throw new RunAbortedException(ex.Message);
        }
    }
}
