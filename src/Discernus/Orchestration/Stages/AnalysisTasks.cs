using System.Text.Json;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>The analyses of a run (planned by <see cref="AnalysisPlan"/>): each finished one taken into the run once.</summary>
internal static class AnalysisTasks
{
    /// <summary>
    /// Takes a finished analysis into the run (<see cref="FetchAsync"/>, then <see cref="CountAsync"/>), returning the whole
    /// result (for the pre-test's report on its sample).
    /// </summary>
    public static async Task<AnalysisResult> RecordWholeAsync(RunContext run, IArtifactStore store, PlannedTask task, CompletionSignal signal, CancellationToken cancellationToken)
    {
        var fetched = await FetchAsync(store, signal, cancellationToken).ConfigureAwait(false);
        await CountAsync(run, task, fetched, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize<AnalysisResult>(fetched.Bytes, DiscernusJson.Indented)
            ?? throw new RunFailedException($"the result of {task.TaskId} is empty");
    }

    /// <summary>
    /// A result read from the store (checked against its hash) and its processing metadata. It touches nothing of the
    /// run, so the Orchestrator reads the results of many signals at once (one store round trip after the other, on S3
    /// a round trip per result) and then counts them in order with <see cref="CountAsync"/>. Its file is written to the
    /// run folder only when it is counted: a result file is a record of the run, and a signal read ahead may never be
    /// counted (a second delivery of a task, a run stopped in the middle of a batch).
    /// </summary>
    public static async Task<FetchedResult> FetchAsync(IArtifactStore store, CompletionSignal signal, CancellationToken cancellationToken)
    {
        var hash = signal.ResultHash!;
        var bytes = await store.GetAsync(hash, cancellationToken).ConfigureAwait(false)
            ?? throw new RunFailedException($"the result {hash} of {signal.TaskId} is not in the artifact store");
        var meta = JsonSerializer.Deserialize<ResultUsage>(bytes, DiscernusJson.Indented)?.ProcessingMetadata
            ?? throw new RunFailedException($"the result of {signal.TaskId} has no processing metadata");
        return new FetchedResult(hash, bytes, meta);
    }

    /// <summary>
    /// Takes a fetched analysis into the run: its tokens, cost and calls in the run's totals and its result file in the
    /// run folder, each counted once (a sample answer the pre-test counted is not counted again by the full run).
    /// Only the result's processing metadata is read: the result itself is deserialised once per run, by the synthesis.
    /// </summary>
    public static async Task CountAsync(RunContext run, PlannedTask task, FetchedResult fetched, CancellationToken cancellationToken)
    {
        if (!run.CountOnce(task.TaskId))
        {
            return;
        }

        var meta = fetched.Metadata;
        // Tokens count what was sent to a provider: an offline model's prompt goes nowhere.
        var sent = !Models.ModelName.IsOffline(meta.Model);
        run.AddUsage(sent ? meta.TokensUsed.Prompt : 0, sent ? meta.TokensUsed.Completion : 0, meta.CostUsd, meta.Cached,
            new Models.ModelCallCounts(meta.ProviderRequests, meta.CacheHits, meta.Retries, meta.FailedRequests, meta.OfflineAnalyses));
        await run.WriteAnalysisResultAsync(fetched.Hash, fetched.Bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A result read from the store, not yet counted.</summary>
    internal sealed record FetchedResult(string Hash, byte[] Bytes, ProcessingMetadata Metadata);

    /// <summary>What the run's accounting needs of a result; the scores and quotes are skipped, not built.</summary>
    private sealed record ResultUsage
    {
        public ProcessingMetadata? ProcessingMetadata { get; init; }
    }
}
