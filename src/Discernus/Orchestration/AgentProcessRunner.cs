using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Configuration;
using Discernus.Coordination;
using Discernus.Models;
using Discernus.Offline.Lexicon;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration;

/// <summary>
/// The composition of a child agent process (<c>discernus agent</c>): it opens the run's artifact store by the identity
/// its worker sent, builds the model gateway from its environment (on the worker's Redis when per-minute limits are set,
/// so they hold across every child), runs the one agent for the task and reports the outcome on the
/// <see cref="AgentProcessChannel"/>. Run-log lines and model calls go back to the worker, which writes them.
/// </summary>
internal static class AgentProcessRunner
{
    /// <summary>Exit code when the agent threw (reported on the channel first); 0 means an outcome was reported.</summary>
    public const int FailedExitCode = 1;

    public static async Task<int> RunAsync(
        AgentProcessRequest request,
        DiscernusSettings settings,
        IReadOnlyList<Func<IArtifactStore, IOfflineModel>> offlineModels,
        AgentProcessChannel channel,
        TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        var logger = channel.Logger;
        IArtifactStore? own = null;
        RedisConnections? redis = null;
        List<IOfflineModel> models = [];
        RunRegistry? registry = null;
        try
        {
            if (AgentFaultInjection.IsArmed(settings))
            {
                logger.LogWarning("{Variable} is set: this agent process crashes on purpose when its task names a listed hash (a testing aid; unset it)", AgentFaultInjection.Variable);
            }

            own = ArtifactStoreFactory.Create(settings.Store(request.ArtifactsDirectory), time, logger);
            var (store, problem) = await new RunStoreResolver(own).ResolveAsync(request.ArtifactStore, null, cancellationToken).ConfigureAwait(false);
            if (store is null)
            {
                throw new ArtifactStoreUnavailableException(problem ?? $"the artifact store {request.ArtifactStore} cannot be opened from this process");
            }

            redis = await ConnectForLimitsAsync(settings, cancellationToken).ConfigureAwait(false);
            var buckets = redis is null ? null : new RedisTokenBucketStore(redis, new RedisKeys(settings.Redis.Prefix));
            models = LexiconOfflineModel.With(offlineModels.Select(create => create(own)));
            registry = new RunRegistry(settings.Models, new ModelGatewayOptions { OfflineModels = models }, new ArtifactResponseCache(own), time, buckets);
            var agent = AgentFor(request, store, registry, channel, settings.Limits.MaxReportBytes, time);
            AgentFaultInjection.CrashIfTargeted(settings, request.Contract);
            using var span = Telemetry.DiscernusActivities.StartAgentProcess(request.TaskId, request.TaskType, request.Traceparent);
            var outcome = await agent.HandleAsync(request.Contract, cancellationToken).ConfigureAwait(false);
            channel.Send(new AgentProcessMessage { Outcome = new AgentProcessMessage.OutcomeReport(outcome.Succeeded, outcome.ResultHash, outcome.Error) });
            return 0;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The process boundary: what an in-process agent would have thrown to the Router goes to the worker instead.
            channel.Send(new AgentProcessMessage { Failure = new AgentProcessMessage.FailureReport(ex.GetType().Name, ex.Message, (ex as ModelCallException)?.EndpointFailure?.ToString()) });
            return FailedExitCode;
        }
        finally
        {
            registry?.Dispose();
            foreach (var model in models)
            {
                model.Dispose();
            }

            (own as IDisposable)?.Dispose();
            if (redis is not null)
            {
                await redis.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The agent of the task's type, its run's log lines forwarded to the worker over the channel.</summary>
    private static IAgent AgentFor(AgentProcessRequest request, IArtifactStore store, RunRegistry registry, AgentProcessChannel channel, long maxReportBytes, TimeProvider time)
    {
        if (request.RunFolder is { } folder && TaskIds.TryParse(request.TaskId, out var parts))
        {
            var forwarded = new RunLog(new RunFolder(folder, parts.RunId), time,
                (file, line) => channel.Send(new AgentProcessMessage { RunLog = new AgentProcessMessage.RunLogLine(file, line) }));
            registry.Register(forwarded, channel.Interactions);
        }

        return DiscernusHost.CreateAgents(new AgentContext { Store = store, Runs = registry, TimeProvider = time, Worker = request.Worker, MaxReportBytes = maxReportBytes })
            .FirstOrDefault(a => a.TaskType == request.TaskType)
            ?? throw new TaskContractException($"no agent is registered for task_type '{request.TaskType}'");
    }

    /// <summary>The worker's Redis, only when per-minute limits need buckets shared with the other processes.</summary>
    private static async Task<RedisConnections?> ConnectForLimitsAsync(DiscernusSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Models.RequestsPerMinute is null && settings.Models.TokensPerMinute is null)
        {
            return null;
        }

        var url = settings.Redis.Url;
        return url is null ? null : await RedisConnections.ConnectAsync(RedisConnectionFactory.Parse(url), cancellationToken).ConfigureAwait(false);
    }

}
