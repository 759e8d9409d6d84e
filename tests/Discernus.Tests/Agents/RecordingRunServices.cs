using Discernus.Agents;
using Discernus.Provenance;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Agents;

/// <summary>Run services for agent tests: one optional run log, and no model at all (asking for one is recorded and fails).</summary>
internal sealed class RecordingRunServices(RunLog? log = null) : IRunServices
{
    public int ClientRequests { get; private set; }

    public RunLog? LogFor(string runId) => log?.Folder.RunId == runId ? log : null;

    public IChatClient ClientFor(string runId, string model)
    {
        ClientRequests++;
        throw new InvalidOperationException($"the test expected no model call (asked for {model} in run {runId})");
    }

    public decimal? CostOf(string model, long promptTokens, long completionTokens) => 0m;
}
