using Discernus.Models;

namespace Discernus.Agents;

/// <summary>What an agent puts into its calls' options so that an outage its call waits for is recorded on its run.</summary>
internal sealed class RunOutageObserver(IRunServices runs, string runId) : IEndpointOutageObserver
{
    public ValueTask EndpointAwayAsync(ModelOutage outage, CancellationToken cancellationToken) => runs.ReportOutageAsync(runId, outage, cancellationToken);
}
