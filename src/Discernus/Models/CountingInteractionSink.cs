namespace Discernus.Models;

/// <summary>
/// Counts the interactions it passes on to the inner sink (<see cref="ModelCallCounts"/>); the offline lexicon makes no
/// provider request and is not counted. Safe for concurrent calls.
/// </summary>
internal sealed class CountingInteractionSink(ILlmInteractionSink inner) : ILlmInteractionSink
{
    private long _requests;
    private long _cacheHits;
    private long _retries;
    private long _failures;

    public ModelCallCounts Counts => new(
        Interlocked.Read(ref _requests), Interlocked.Read(ref _cacheHits), Interlocked.Read(ref _retries), Interlocked.Read(ref _failures));

    public ValueTask RecordAsync(LlmInteraction interaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        if (interaction.Provider == ModelName.LexiconName)
        {
            // Not a provider request: nothing to count.
        }
        else if (interaction.Cached)
        {
            Interlocked.Increment(ref _cacheHits);
        }
        else
        {
            Interlocked.Increment(ref _requests);
            if (interaction.Attempt > 1)
            {
                Interlocked.Increment(ref _retries);
            }

            if (interaction.Error is not null)
            {
                Interlocked.Increment(ref _failures);
            }
        }

        return inner.RecordAsync(interaction, cancellationToken);
    }
}
