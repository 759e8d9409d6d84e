using Discernus.Coordination;
using Discernus.Models;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration.Stages;

/// <summary>The model calls workers elsewhere made for a run, taken into its log and counts as they are recorded.</summary>
internal sealed class RemoteCalls(RedisConnections connections, RedisKeys keys, CoordinationResilience resilience, RunRegistry registry, ILogger logger)
{
    private const int CallsBatch = 1000;

    /// <summary>Takes the model calls workers elsewhere recorded for the run into its log and counts.</summary>
    public async Task TakeAsync(RunContext run, CancellationToken cancellationToken)
    {
        var runId = run.Folder.RunId;
        var records = new RunCallRecords(connections, keys);
        while (true)
        {
            var taken = await resilience.ExecuteAsync(ct => records.TakeAsync(runId, CallsBatch, ct), $"reading the model calls of run {runId}", cancellationToken).ConfigureAwait(false);
            foreach (var record in taken)
            {
                if (record.Start is { } start)
                {
                    run.OpenCalls[start.CallId] = start;
                }
                else if (record.Interaction is { } interaction)
                {
                    if (interaction.CallId is { } callId)
                    {
                        run.OpenCalls.Remove(callId);
                    }

                    await registry.RecordAsync(runId, interaction, CancellationToken.None).ConfigureAwait(false);
                }
            }

            if (taken.Count < CallsBatch)
            {
                return;
            }
        }
    }

    /// <summary>
    /// At the end of a run: the last call records, then every request whose worker announced it and never recorded its
    /// end (killed while it waited for the provider) counted as made and failed, as the provider may have received it.
    /// </summary>
    public async Task CloseAsync(RunContext run)
    {
        try
        {
            await TakeAsync(run, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogWarning("The last model call records of run {RunId} could not be read: {Message}", run.Folder.RunId, ex.Message);
        }

        foreach (var start in run.OpenCalls.Values.OrderBy(s => s.Timestamp))
        {
            await registry.RecordAsync(run.Folder.RunId, new LlmInteraction
            {
                Timestamp = start.Timestamp,
                Model = start.Model,
                Provider = start.Provider,
                PromptHash = start.PromptHash,
                DurationMs = 0,
                Cached = false,
                Attempt = start.Attempt,
                Error = "no answer was recorded: the worker that sent this request stopped (killed?) before it ended",
                CallerAgent = start.CallerAgent,
                CallerStage = start.CallerStage,
                TaskId = start.TaskId,
                CallId = start.CallId,
            }, CancellationToken.None).ConfigureAwait(false);
        }

        run.OpenCalls.Clear();
    }
}
