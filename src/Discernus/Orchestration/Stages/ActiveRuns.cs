using System.Collections.Concurrent;
using Discernus.Coordination;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// The runs this Orchestrator executes now, each with the claim of its request: the request stays in the
/// Orchestrator's processing list until the run has ended, so a dead Orchestrator's runs can be adopted.
/// </summary>
internal sealed class ActiveRuns(ITaskQueue runRequests, CoordinationResilience resilience, string orchestratorId, ILogger logger)
{
    private readonly ConcurrentDictionary<string, ActiveRun> _active = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Ids => _active.Keys.ToList();

    public bool TryGet(string runId, out ActiveRun active) => _active.TryGetValue(runId, out active!);

    public ActiveRun Add(string runId, IClaimedTask claim)
    {
        var active = new ActiveRun(claim);
        _active[runId] = active;
        return active;
    }

    public void Remove(string runId) => _active.TryRemove(runId, out _);

    /// <summary>
    /// The run request this Orchestrator holds was lost with the rest of the run's keys: put it back, so that the run
    /// can still be adopted if this process dies.
    /// </summary>
    public async Task RestoreClaimAsync(string runId)
    {
        if (!_active.TryGetValue(runId, out var active))
        {
            return;
        }

        try
        {
            await resilience.ExecuteAsync(ct => runRequests.RestoreClaimAsync(orchestratorId, runId, active.Claim.ContractJson, ct), $"restoring the request of run {runId}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogWarning("The request of run {RunId} could not be restored in Redis: {Message}", runId, ex.Message);
        }
    }

    /// <summary>The claim of a run being executed; replaced when the request is delivered to us again.</summary>
    internal sealed class ActiveRun(IClaimedTask claim)
    {
        private IClaimedTask _claim = claim;

        public IClaimedTask Claim
        {
            get => Volatile.Read(ref _claim);
            set => Volatile.Write(ref _claim, value);
        }
    }
}
