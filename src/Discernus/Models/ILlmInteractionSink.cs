namespace Discernus.Models;

/// <summary>Receives one <see cref="LlmInteraction"/> per model call; implementations must be safe for concurrent calls.</summary>
internal interface ILlmInteractionSink
{
    ValueTask RecordAsync(LlmInteraction interaction, CancellationToken cancellationToken = default);

    /// <summary>
    /// A request about to reach the provider; its <see cref="LlmInteraction"/> follows with the same call id. Sinks that
    /// write where the process cannot die between the two (a run's own log) ignore it.
    /// </summary>
    ValueTask BeginAsync(LlmCallStart start, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
