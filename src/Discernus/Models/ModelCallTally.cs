namespace Discernus.Models;

/// <summary>
/// Counts model interactions the way the manifest reports them (provider requests, cache hits, retries, failed
/// requests, offline analyses); an offline model (lexicon, minilm) makes no provider request: its answers count as
/// offline analyses. Safe for concurrent calls. One tally
/// per run counts a process's calls live; one per task travels with the task's result, so a run's totals are right
/// whichever process (a remote worker) made the calls.
/// </summary>
internal sealed class ModelCallTally
{
    private long _requests;
    private long _cacheHits;
    private long _retries;
    private long _failures;
    private long _offline;

    public ModelCallCounts Counts => new(
        Interlocked.Read(ref _requests), Interlocked.Read(ref _cacheHits), Interlocked.Read(ref _retries), Interlocked.Read(ref _failures), Interlocked.Read(ref _offline));

    /// <summary>True for the interactions of the offline models, which reach no provider.</summary>
    public static bool IsOffline(LlmInteraction interaction) => ModelName.IsOffline(interaction.Provider);

    /// <summary>The tally an agent put into a call's options, if any.</summary>
    public static ModelCallTally? Of(Microsoft.Extensions.AI.ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(ModelCallKeys.Tally, out var value) == true ? value as ModelCallTally : null;

    public void Add(LlmInteraction interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        if (interaction.Cached)
        {
            Interlocked.Increment(ref _cacheHits);
            return;
        }

        if (IsOffline(interaction))
        {
            Interlocked.Increment(ref _offline);
            return;
        }

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
}
