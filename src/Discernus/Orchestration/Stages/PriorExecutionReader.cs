using System.Text.Json;
using Discernus.Agents;
using Discernus.Content;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// What earlier executions of a run (its Orchestrator died, or `run --resume`) left of its analyses: result files in
/// the run folder, completion signals Redis still holds, failures, and entries in the dead list.
/// </summary>
internal sealed class PriorExecutionReader(RedisConnections connections, RedisKeys keys, CoordinationResilience resilience, TimeProvider time)
{
    private const string Agent = nameof(Orchestrator);

    /// <summary>
    /// For a run that an earlier execution started: the results it already wrote to the run folder (a result file is
    /// named by its own hash, so a damaged one is set aside and redone) and the completion signals Redis still holds.
    /// </summary>
    public async Task<PriorExecution> ReadAsync(RunContext run, IReadOnlyList<PlannedTask> planned, CancellationToken cancellationToken)
    {
        var ids = planned.Select(p => p.TaskId).ToHashSet(StringComparer.Ordinal);
        var recorded = await ReadResultFilesAsync(run, ids, cancellationToken).ConfigureAwait(false);

        // Workers went on while the run had no Orchestrator: their signals wait in the done list, already taken ones in completed.
        await using var completions = new RunCompletions(connections, keys, timeProvider: time);
        var taken = await resilience.ExecuteAsync(ct => completions.ReadTakenAsync(run.Folder.RunId, ct), $"reading the recorded completions of run {run.Folder.RunId}", cancellationToken).ConfigureAwait(false);
        var waiting = await resilience.ExecuteAsync(ct => completions.ReadWaitingAsync(run.Folder.RunId, ct), $"reading the waiting completions of run {run.Folder.RunId}", cancellationToken).ConfigureAwait(false);
        var failed = new HashSet<string>(run.Manifest.Failures.Select(f => f.TaskId).Where(ids.Contains), StringComparer.Ordinal);

        // Failures still waiting in the done list were sent to an earlier execution (some after it had stopped): this
        // one will read them first, and must not take them for verdicts on the tasks it queues again.
        var stale = waiting.Where(s => ids.Contains(s.TaskId) && !s.IsSucceeded).Select(s => s.TaskId).ToHashSet(StringComparer.Ordinal);
        foreach (var signal in taken.Concat(waiting).Where(s => ids.Contains(s.TaskId)))
        {
            if (signal.IsSucceeded && signal.ResultHash is not null)
            {
                recorded.TryAdd(signal.TaskId, signal);
            }
            else if (!AgentOutcome.StopsRun(signal.Error, out _))
            {
                // A task that stopped the run (its endpoint unusable) did not fail: it has no result, like a lost one.
                failed.Add(signal.TaskId);
            }
        }

        failed.ExceptWith(recorded.Keys);
        var deadListed = await DeadListedAsync(run.Folder.RunId, cancellationToken).ConfigureAwait(false);
        deadListed.IntersectWith(failed);
        deadListed.UnionWith(run.Manifest.Failures.Where(f => failed.Contains(f.TaskId) && IsDeadLetterReason(f.Reason)).Select(f => f.TaskId));
        run.Log.Info(StageNames.BatchAnalysis, Agent, $"{recorded.Count} of {planned.Count} analyses were already recorded by an earlier execution; only the rest are done now");
        return new PriorExecution(recorded, failed, deadListed, stale);
    }

    /// <summary>The results an earlier execution wrote to the run folder, by task; a file that does not match its name is set aside.</summary>
    private static async Task<Dictionary<string, CompletionSignal>> ReadResultFilesAsync(RunContext run, HashSet<string> ids, CancellationToken cancellationToken)
    {
        var recorded = new Dictionary<string, CompletionSignal>(StringComparer.Ordinal);
        if (!Directory.Exists(run.Folder.BatchAnalysisDirectory))
        {
            return recorded;
        }

        foreach (var path in Directory.EnumerateFiles(run.Folder.BatchAnalysisDirectory, "*.json"))
        {
            var hash = Path.GetFileNameWithoutExtension(path);
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            AnalysisResult? result = null;
            if (Hashing.Sha256Hex(bytes) == hash)
            {
                try
                {
                    result = JsonSerializer.Deserialize<AnalysisResult>(bytes, DiscernusJson.Indented);
                }
                catch (JsonException)
                {
                    result = null;
                }
            }

            if (result is null)
            {
                var aside = path + ".damaged";
                File.Move(path, aside, overwrite: true);
                run.Log.Warning(StageNames.BatchAnalysis, Agent, $"{run.Folder.Relative(path)} does not match its name; set aside as {Path.GetFileName(aside)} and redone");
                continue;
            }

            if (ids.Contains(result.ProcessingMetadata.TaskId))
            {
                recorded[result.ProcessingMetadata.TaskId] = CompletionSignal.Success(result.ProcessingMetadata.TaskId, hash);
            }
        }

        return recorded;
    }

    /// <summary>The tasks of a run in the dead list (moved there after their attempt limit); empty when Redis forgot it.</summary>
    private async Task<HashSet<string>> DeadListedAsync(string runId, CancellationToken cancellationToken)
    {
        var entries = await resilience.ExecuteAsync(async ct =>
        {
            ct.ThrowIfCancellationRequested();
            return await connections.Database.ListRangeAsync(keys.Dead).ConfigureAwait(false);
        }, "reading the dead list", cancellationToken).ConfigureAwait(false);
        var dead = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            try
            {
                if (JsonSerializer.Deserialize(entry.ToString(), CoordinationJson.TypeInfo<DeadLetterEntry>()) is { } letter && letter.RunId == runId)
                {
                    dead.Add(letter.TaskId);
                }
            }
            catch (JsonException)
            {
                // The audit reports malformed entries; here they name no task of this run.
                continue;
            }
        }

        return dead;
    }

    // The Router's dead-letter reasons: an agent that threw on every attempt, or a task whose workers kept dying.
    private static bool IsDeadLetterReason(string reason) =>
        reason.Contains(" time(s); last error", StringComparison.Ordinal) || reason.Contains("without being settled", StringComparison.Ordinal);
}
