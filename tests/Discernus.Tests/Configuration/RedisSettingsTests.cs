using Discernus.Configuration;

namespace Discernus.Tests.Configuration;

public sealed class RedisSettingsTests
{
    [Fact]
    public void Unset_or_blank_means_the_embedded_server_and_the_default_prefix()
    {
        Assert.Equal(new RedisSettings { Url = null, Prefix = "discernus:" }, SettingCatalog.Redis(new Dictionary<string, string?>()));
        Assert.Equal(new RedisSettings { Url = null, Prefix = "discernus:" },
            SettingCatalog.Redis(new Dictionary<string, string?> { [RedisSettings.UrlVariable] = "  ", [RedisSettings.PrefixVariable] = "" }));
    }

    [Fact]
    public void Given_values_are_trimmed()
    {
        var settings = SettingCatalog.Redis(new Dictionary<string, string?> { ["DISCERNUS_REDIS_URL"] = " redis://h:6379 ", ["DISCERNUS_REDIS_PREFIX"] = "team-a:" });
        Assert.Equal("redis://h:6379", settings.Url);
        Assert.Equal("team-a:", settings.Prefix);
    }
}
