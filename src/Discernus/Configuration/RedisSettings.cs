namespace Discernus.Configuration;

/// <summary>
/// Where coordination happens: the external server (none means an embedded Garnet where one is needed) and the key
/// prefix. Built from the settings by <see cref="SettingCatalog.Redis"/>, so every command, the web server and the
/// child agent processes read the same names with the same default.
/// </summary>
public sealed record RedisSettings
{
    public const string UrlVariable = "DISCERNUS_REDIS_URL";
    public const string PrefixVariable = "DISCERNUS_REDIS_PREFIX";
    public const string DefaultPrefix = "discernus:";

    /// <summary><c>DISCERNUS_REDIS_URL</c>, trimmed; null when unset or blank.</summary>
    public string? Url { get; init; }

    public string Prefix { get; init; } = DefaultPrefix;
}
