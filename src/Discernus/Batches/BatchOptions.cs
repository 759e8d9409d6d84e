using System.Globalization;

namespace Discernus.Batches;

/// <summary>
/// How batch runs split, submit and poll (`run --batch`). Read once from the configuration
/// (<see cref="FromValues"/>: <c>.env</c>, then the environment); validated there.
/// </summary>
internal sealed record BatchOptions
{
    public const string MaxRequestsVariable = "DISCERNUS_BATCH_MAX_REQUESTS_PER_FILE";
    public const string MaxBytesVariable = "DISCERNUS_BATCH_MAX_FILE_BYTES";
    public const string PollSecondsVariable = "DISCERNUS_BATCH_POLL_SECONDS";
    public const string MaxPollSecondsVariable = "DISCERNUS_BATCH_MAX_POLL_SECONDS";

    /// <summary>Requests per batch file (OpenAI allows 50,000).</summary>
    public int MaxRequestsPerFile { get; init; } = 50_000;

    /// <summary>Bytes per batch file (OpenAI allows 200 MB; a margin stays free).</summary>
    public long MaxBytesPerFile { get; init; } = 190L * 1024 * 1024;

    /// <summary>The first wait between two looks at a batch; it doubles up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromMinutes(2);

    public static BatchOptions FromValues(IReadOnlyDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var defaults = new BatchOptions();
        var options = new BatchOptions
        {
            MaxRequestsPerFile = (int)(Whole(values, MaxRequestsVariable, 1, 50_000) ?? defaults.MaxRequestsPerFile),
            MaxBytesPerFile = Whole(values, MaxBytesVariable, 1024, 200L * 1024 * 1024) ?? defaults.MaxBytesPerFile,
            PollInterval = Seconds(values, PollSecondsVariable) ?? defaults.PollInterval,
            MaxPollInterval = Seconds(values, MaxPollSecondsVariable) ?? defaults.MaxPollInterval,
        };
        if (options.MaxPollInterval < options.PollInterval)
        {
            throw new ArgumentException($"{MaxPollSecondsVariable} must not be below {PollSecondsVariable}.");
        }

        return options;
    }

    private static long? Whole(IReadOnlyDictionary<string, string?> values, string name, long min, long max) =>
        values.GetValueOrDefault(name) is not { Length: > 0 } text ? null
        : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
        : throw new ArgumentException($"{name}={text} is not a whole number from {min} to {max}.");

    private static TimeSpan? Seconds(IReadOnlyDictionary<string, string?> values, string name) =>
        values.GetValueOrDefault(name) is not { Length: > 0 } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 3600 ? TimeSpan.FromSeconds(seconds)
        : throw new ArgumentException($"{name}={text} is not a number of seconds above 0 and at most 3600 (e.g. 10 or 0.5).");
}
