using Discernus.Models;
using Discernus.Provenance;
using Microsoft.Extensions.AI;

namespace Discernus.Agents;

/// <summary>
/// Per-run services an agent needs beyond the task contract: the run's log and a model client whose calls are
/// recorded in that run's <c>logs/llm_interactions.jsonl</c>. In one process the Orchestrator registers each run;
/// a remote worker resolves runs it can reach and logs locally otherwise.
/// </summary>
internal interface IRunServices
{
    RunLog? LogFor(string runId);

    IChatClient ClientFor(string runId, string model);

    /// <summary>USD cost of a call, or null when the model's price is unknown (lexicon: 0).</summary>
    decimal? CostOf(string model, long promptTokens, long completionTokens);

    /// <summary>
    /// Records on the run that a call of one of its tasks waits for an endpoint that is away, so that its Orchestrator
    /// tells the people watching (once per outage) and does not take the pause for a stall. Best effort.
    /// </summary>
    ValueTask ReportOutageAsync(string runId, Models.ModelOutage outage, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// USD cost of one answer as billed: cached input at the cached rate, in the mode it was sent (batch or interactive);
    /// null when the model's price in that mode is unknown.
    /// </summary>
    decimal? CostOf(string model, ProviderUsage usage, BillingMode mode) =>
        usage.CachedInputTokens == 0 && usage.CacheWriteTokens == 0 && mode == BillingMode.Interactive ? CostOf(model, usage.PromptTokens, usage.CompletionTokens) : null;
}
