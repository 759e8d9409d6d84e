using Discernus.Configuration;

namespace Discernus.Tests.Configuration;

/// <summary>The catalog's typed readers read with the definition's own rule, so a component cannot parse a setting differently.</summary>
public sealed class TypedSettingReaderTests
{
    private const string Timeout = "DISCERNUS_MODEL_TIMEOUT_SECONDS";
    private const string Endpoint = "OPENAI_BASE_URL";

    private static Dictionary<string, string?> Values(string name, string? value) => new() { [name] = value };

    [Fact]
    public void WholeNumber_ReadsWithinTheDefinitionsBounds_AndUnsetIsNull()
    {
        Assert.Equal(30, SettingCatalog.WholeNumber(Values(Timeout, " 30 "), Timeout));
        Assert.Null(SettingCatalog.WholeNumber(Values(Timeout, "  "), Timeout));
        Assert.Equal((1L, 3600L), SettingCatalog.Find(Timeout)!.Range!.Value);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3601")]
    [InlineData("1.5")]
    [InlineData("soon")]
    public void WholeNumber_RefusesWhatTheCatalogsCheckRefuses(string value)
    {
        var error = Assert.Throws<SettingException>(() => SettingCatalog.WholeNumber(Values(Timeout, value), Timeout));

        Assert.Contains(Timeout, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        Assert.Equal("a whole number from 1 to 3600", SettingCatalog.Find(Timeout)!.Check(value));
    }

    [Fact]
    public void HttpUrl_ReadsAnHttpUrl_AndRefusesAnythingElse()
    {
        Assert.Equal(new Uri("http://localhost:8000/v1"), SettingCatalog.HttpUrl(Values(Endpoint, "http://localhost:8000/v1"), Endpoint));
        Assert.Null(SettingCatalog.HttpUrl(Values(Endpoint, null), Endpoint));

        var error = Assert.Throws<SettingException>(() => SettingCatalog.HttpUrl(Values(Endpoint, "ftp://host/v1"), Endpoint));
        Assert.Contains(Endpoint, error.Message, StringComparison.Ordinal);
        Assert.Contains("http:// or https://", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Readers_RefuseANameTheCatalogDoesNotList()
    {
        Assert.Throws<InvalidOperationException>(() => SettingCatalog.HttpUrl(Values("NOT_A_SETTING_URL", "http://x"), "NOT_A_SETTING_URL"));
        Assert.Throws<InvalidOperationException>(() => SettingCatalog.WholeNumber(Values(Endpoint, "1"), Endpoint));
    }
}
