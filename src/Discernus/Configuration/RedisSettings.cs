namespace Discernus.Configuration;

/// <summary>
/// Where and how coordination happens: the external server (none means an embedded Garnet where one is needed), the key
/// prefix, how long an outage is ridden out and whether a server that may evict keys is refused. Built from the settings by <see cref="SettingCatalog.Redis"/>, so every command, the web server and the
/// child agent processes read the same names with the same default.
/// </summary>
public sealed record RedisSettings
{
    public const string UrlVariable = "DISCERNUS_REDIS_URL";
    public const string PrefixVariable = "DISCERNUS_REDIS_PREFIX";
    public const string DefaultPrefix = "discernus:";
    public const string EvictionVariable = "DISCERNUS_REDIS_EVICTION";
    public const string OutageVariable = "DISCERNUS_REDIS_OUTAGE_SECONDS";

    /// <summary><c>DISCERNUS_REDIS_URL</c>, trimmed; null when unset or blank.</summary>
    public string? Url { get; init; }

    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary><c>DISCERNUS_REDIS_OUTAGE_SECONDS</c>; null when unset (the coordination's default applies).</summary>
    public TimeSpan? OutageLimit { get; init; }

    /// <summary>False only with <c>DISCERNUS_REDIS_EVICTION=warn</c>: a Redis that may evict keys can drop queued tasks and claims.</summary>
    public bool RefuseEvicting { get; init; } = true;
}
