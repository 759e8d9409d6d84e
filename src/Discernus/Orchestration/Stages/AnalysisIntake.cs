using System.Collections.Concurrent;
using Discernus.Artifacts;
using Discernus.Coordination;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// The finished analyses of a stage as their signals arrive: the file work of each (<see cref="AnalysisTasks.FetchAsync"/>)
/// done ahead of order for a batch of signals at once (<see cref="StageRequest.Prefetch"/>), then each counted in the
/// order of its signal (<see cref="AnalysisTasks.Count"/>). A result not fetched ahead, or fetched for another answer
/// of its task, is fetched when it is counted.
/// </summary>
internal sealed class AnalysisIntake(RunContext run, IArtifactStore store, CancellationToken cancellationToken)
{
    private readonly ConcurrentDictionary<string, AnalysisTasks.FetchedResult> _fetched = new(StringComparer.Ordinal);

    public async Task PrefetchAsync(PlannedTask task, CompletionSignal signal) =>
        _fetched[task.TaskId] = await AnalysisTasks.FetchAsync(run, store, signal, cancellationToken).ConfigureAwait(false);

    public async Task TakeAsync(PlannedTask task, CompletionSignal signal)
    {
        if (!_fetched.TryRemove(task.TaskId, out var result) || result.Hash != signal.ResultHash)
        {
            result = await AnalysisTasks.FetchAsync(run, store, signal, cancellationToken).ConfigureAwait(false);
        }

        AnalysisTasks.Count(run, task, signal, result);
    }
}
