using Discernus.Models;
using Microsoft.Extensions.Logging;

namespace Discernus.Coordination;

/// <summary>
/// Where a worker records the model calls it makes for runs hosted by another process: <see cref="RunCallRecords"/> of
/// the run named by the call's task id (a call without one stays in the worker's own log only). A record that cannot
/// be pushed (Redis away) is logged and dropped: the task's result still carries its call counts.
/// </summary>
internal sealed class RemoteRunInteractionSink(RunCallRecords records, ILogger logger) : ILlmInteractionSink
{
    public async ValueTask RecordAsync(LlmInteraction interaction, CancellationToken cancellationToken = default)
    {
        if (RunOf(interaction.TaskId) is { } runId)
        {
            await TryAsync(() => records.PushEndAsync(runId, interaction, CancellationToken.None), runId).ConfigureAwait(false);
        }
    }

    public async ValueTask BeginAsync(LlmCallStart start, CancellationToken cancellationToken = default)
    {
        if (RunOf(start.TaskId) is { } runId)
        {
            await TryAsync(() => records.PushStartAsync(runId, start, CancellationToken.None), runId).ConfigureAwait(false);
        }
    }

    private static string? RunOf(string? taskId) => taskId is not null && TaskIds.TryParse(taskId, out var parts) ? parts.RunId : null;

    private async Task TryAsync(Func<Task> push, string runId)
    {
        try
        {
            await push().ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisTransience.IsTransient(ex) || ex is CoordinationFaultException)
        {
            logger.LogWarning("A model call record of run {RunId} could not be sent to its Orchestrator ({Message}); it stays in this process's log", runId, ex.Message);
        }
    }
}
