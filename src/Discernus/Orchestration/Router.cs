using Discernus.Agents;
using Discernus.Coordination;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration;

/// <summary>
/// The worker host: N claim loops, each with its own worker id, processing list and heartbeat. A claimed task goes to
/// the agent registered for its task_type and is acknowledged with the agent's outcome; a crash requeues it until its
/// attempt limit, then it goes to the dead list with the last error. Stopping ends the claiming; tasks in hand finish.
/// </summary>
internal sealed class Router(
    ITaskQueue tasks,
    RedisConnections connections,
    RedisKeys keys,
    RunStateStore runStates,
    IReadOnlyList<IAgent> agents,
    RouterOptions options,
    TimeProvider timeProvider,
    ILogger logger)
{
    private readonly Dictionary<string, IAgent> _agents = agents.ToDictionary(a => a.TaskType, StringComparer.Ordinal);

    public Task RunAsync(CancellationToken stoppingToken)
    {
        options.Validate();
        return Task.WhenAll(Enumerable.Range(1, options.Concurrency).Select(i => LoopAsync($"{options.WorkerIdPrefix}-{i}", stoppingToken)));
    }

    private async Task LoopAsync(string workerId, CancellationToken stoppingToken)
    {
        await using var heartbeat = new WorkerHeartbeat(connections, keys, workerId, timeProvider: timeProvider, logger: logger);
        try
        {
            await heartbeat.StartAsync(stoppingToken).ConfigureAwait(false);
            await tasks.RecoverAsync(workerId, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                IClaimedTask? claimed;
                try
                {
                    claimed = await tasks.ClaimAsync(workerId, options.ClaimWait, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                if (claimed is null)
                {
                    continue;
                }

                await using (claimed)
                {
                    // In-hand work finishes even when claiming stops; only the process's own end aborts it.
                    await ProcessAsync(claimed, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (CoordinationFaultException ex)
        {
            logger.LogError("worker {WorkerId} stopped: {Message}", workerId, ex.Message);
            throw;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessAsync(IClaimedTask claimed, CancellationToken cancellationToken)
    {
        var runId = claimed.RunId;
        if (claimed.TaskType is not { } taskType || !_agents.TryGetValue(taskType, out var agent))
        {
            await claimed.DeadLetterAsync($"no agent is registered for task_type '{claimed.TaskType ?? "(none)"}' (known: {string.Join(", ", _agents.Keys)})", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (runId is null)
        {
            await claimed.DeadLetterAsync("the task names no run (no run_id in the contract and none in the task id)", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (await runStates.IsCancelRequestedAsync(runId, cancellationToken).ConfigureAwait(false))
        {
            await claimed.AckAsync(CompletionSignal.Failure(claimed.TaskId, "the run was cancelled before this task started"), runId, cancellationToken).ConfigureAwait(false);
            return;
        }

        AgentOutcome outcome;
        try
        {
            outcome = await agent.HandleAsync(claimed.ContractJson, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning("{Agent} failed on {TaskId} (attempt {Attempt}): {Message}", agent.Name, claimed.TaskId, claimed.Attempts, ex.Message);
            if (claimed.Attempts >= options.MaxAttempts)
            {
                await claimed.DeadLetterAsync($"{agent.Name} failed {claimed.Attempts} time(s); last error: {ex.GetType().Name}: {ex.Message}", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await claimed.RequeueAsync(cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var signal = outcome.Succeeded
            ? CompletionSignal.Success(claimed.TaskId, outcome.ResultHash!)
            : CompletionSignal.Failure(claimed.TaskId, outcome.Error ?? "the agent failed without a reason");
        await claimed.AckAsync(signal, runId, cancellationToken).ConfigureAwait(false);
    }
}
