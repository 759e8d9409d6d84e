using System.Globalization;
using Discernus.Configuration;

namespace Discernus.Batches;

/// <summary>
/// How batch runs split, submit and poll (`run --batch`). Read once from the configuration
/// (<see cref="FromValues"/>: <c>.env</c>, then the environment); validated there, within the bounds the setting catalog defines.
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
            MaxRequestsPerFile = (int)(SettingCatalog.WholeNumber(values, MaxRequestsVariable) ?? defaults.MaxRequestsPerFile),
            MaxBytesPerFile = SettingCatalog.WholeNumber(values, MaxBytesVariable) ?? defaults.MaxBytesPerFile,
            PollInterval = SettingCatalog.Seconds(values, PollSecondsVariable) ?? defaults.PollInterval,
            MaxPollInterval = SettingCatalog.Seconds(values, MaxPollSecondsVariable) ?? defaults.MaxPollInterval,
        };
        if (options.MaxPollInterval < options.PollInterval)
        {
            throw new SettingException($"{MaxPollSecondsVariable} ({options.MaxPollInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s) must not be below {PollSecondsVariable} ({options.PollInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s): raise the first or lower the second.");
        }

        return options;
    }
}
