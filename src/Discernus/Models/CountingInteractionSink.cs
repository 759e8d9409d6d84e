namespace Discernus.Models;

/// <summary>
/// Counts the interactions it passes on to the inner sink (<see cref="ModelCallCounts"/>); the offline models make no
/// provider request and count as offline analyses. Safe for concurrent calls.
/// </summary>
internal sealed class CountingInteractionSink(ILlmInteractionSink inner) : ILlmInteractionSink
{
    private readonly ModelCallTally _tally = new();

    public ModelCallCounts Counts => _tally.Counts;

    public ValueTask RecordAsync(LlmInteraction interaction, CancellationToken cancellationToken = default)
    {
        _tally.Add(interaction);
        return inner.RecordAsync(interaction, cancellationToken);
    }

    public ValueTask BeginAsync(LlmCallStart start, CancellationToken cancellationToken = default) => inner.BeginAsync(start, cancellationToken);
}
