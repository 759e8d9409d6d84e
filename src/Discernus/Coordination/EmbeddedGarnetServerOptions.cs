namespace Discernus.Coordination;

/// <summary>
/// Sizes of the in-process Garnet. Coordination data is small (ids, contracts, signals); without a storage tier
/// Garnet drops records once the log outgrows its memory, so keep the log size well above a run's data.
/// </summary>
internal sealed record EmbeddedGarnetServerOptions
{
    /// <summary>Main-log memory (inline and heap), Garnet size syntax.</summary>
    public string LogMemorySize { get; init; } = "128m";

    public string PageSize { get; init; } = "1m";

    /// <summary>Hash index size; Garnet allocates it up front, so keep it small.</summary>
    public string IndexMemorySize { get; init; } = "1m";

    /// <summary>How often expired keys (task data TTLs, dead heartbeats) are swept, in seconds.</summary>
    public int ExpiredKeyScanSeconds { get; init; } = 60;
}
