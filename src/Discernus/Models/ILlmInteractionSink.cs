namespace Discernus.Models;

/// <summary>Receives one <see cref="LlmInteraction"/> per model call; implementations must be safe for concurrent calls.</summary>
internal interface ILlmInteractionSink
{
    ValueTask RecordAsync(LlmInteraction interaction, CancellationToken cancellationToken = default);
}
