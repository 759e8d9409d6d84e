using System.Collections.Concurrent;
using Discernus.Artifacts;
using Discernus.Coordination;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// The finished analyses of a stage as their signals arrive: each result read from the store ahead of order for a batch
/// of signals at once (<see cref="AnalysisTasks.FetchAsync"/>, <see cref="StageRequest.Prefetch"/>), then each counted,
/// and its file written, in the order of its signal (<see cref="AnalysisTasks.CountAsync"/>). A result not read ahead,
/// or read for another answer of its task, is read when it is counted.
/// </summary>
internal sealed class AnalysisIntake(RunContext run, IArtifactStore store, CancellationToken cancellationToken)
{
    private readonly ConcurrentDictionary<string, AnalysisTasks.FetchedResult> _fetched = new(StringComparer.Ordinal);

    public async Task PrefetchAsync(PlannedTask task, CompletionSignal signal) =>
        _fetched[task.TaskId] = await AnalysisTasks.FetchAsync(store, signal, cancellationToken).ConfigureAwait(false);

    public async Task TakeAsync(PlannedTask task, CompletionSignal signal)
    {
        if (!_fetched.TryRemove(task.TaskId, out var result) || result.Hash != signal.ResultHash)
        {
            result = await AnalysisTasks.FetchAsync(store, signal, cancellationToken).ConfigureAwait(false);
        }

        await AnalysisTasks.CountAsync(run, task, result, cancellationToken).ConfigureAwait(false);
    }
}
