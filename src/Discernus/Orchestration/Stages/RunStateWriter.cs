using Discernus.Coordination;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// The run's state in Redis, as the Orchestrator writes it: what `status`, other hosts and the people watching read.
/// Redis is a cache of the run; the folder is its record, so no write here is ever fatal to the run.
/// </summary>
internal sealed class RunStateWriter(RunStateStore states, CoordinationResilience resilience, OrchestratorOptions options, ILogger logger)
{
    /// <summary>Run state is what `status` and other hosts read; a write that cannot reach Redis is logged, never fatal to the run's own record.</summary>
    public async Task SetAsync(string runId, IReadOnlyDictionary<string, string> fields)
    {
        try
        {
            await resilience.ExecuteAsync(ct => states.SetAsync(runId, fields, ct), $"recording the state of run {runId}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogError("The state of run {RunId} could not be recorded in Redis: {Message}", runId, ex.Message);
        }
    }

    /// <summary>A line for the people watching the run (a `discernus run` prints each once); never fatal.</summary>
    public async Task NoticeAsync(string runId, string message)
    {
        try
        {
            await resilience.ExecuteAsync(ct => states.AddNoticeAsync(runId, message, ct), $"recording a notice of run {runId}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogWarning("A notice of run {RunId} could not be recorded in Redis: {Message}", runId, ex.Message);
        }
    }

    /// <summary>Once a run has ended its signals have no reader: they expire, and its state stays a while for `status`.</summary>
    public async Task EndAsync(string runId)
    {
        try
        {
            await resilience.ExecuteAsync(ct => states.ExpireAsync(runId, options.FinishedStateTtl, options.FinishedSignalsTtl, ct), $"expiring the keys of run {runId}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogError("The keys of run {RunId} could not be given an expiry: {Message}", runId, ex.Message);
        }
    }
}
