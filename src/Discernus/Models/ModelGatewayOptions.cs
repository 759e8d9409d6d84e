namespace Discernus.Models;

/// <summary>
/// Tuning of the gateway that does not come from the environment (that is <see cref="ModelSettings"/>):
/// the back-off of retries and the default answer length.
/// </summary>
internal sealed record ModelGatewayOptions
{
    /// <summary>Delay before the first retry; it doubles on each further retry (with jitter).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound of any single back-off delay.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Randomise back-off delays so parallel agents that failed together do not retry together.</summary>
    public bool UseJitter { get; init; } = true;

    /// <summary>Answer length limit sent to Anthropic, whose API requires one; other providers use their own default unless the caller sets one.</summary>
    public int DefaultMaxOutputTokens { get; init; } = 8192;

    /// <summary>Offline models registered by the composition root (<c>minilm</c>); a name without one here is a configuration error.</summary>
    public IReadOnlyList<IOfflineModel> OfflineModels { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public void Validate()
    {
        if (RetryBaseDelay <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(RetryBaseDelay)} must be positive.");
        }

        if (MaxRetryDelay < RetryBaseDelay)
        {
            throw new ArgumentException($"{nameof(MaxRetryDelay)} must be at least {nameof(RetryBaseDelay)}.");
        }

        if (DefaultMaxOutputTokens < 1)
        {
            throw new ArgumentException($"{nameof(DefaultMaxOutputTokens)} must be at least 1.");
        }
    }
}
