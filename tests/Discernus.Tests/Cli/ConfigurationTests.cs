using Discernus.Cli;
using Discernus.Configuration;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Tests.Experiments;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Cli;

/// <summary>
/// One configuration path: the project's .env (DotNetEnv's provider), then the environment, checked against the
/// settings catalog before any command works; a bad value is an error naming the setting and its source, a misspelt
/// name a warning, and `discernus config` shows every value with its source, secrets masked.
/// </summary>
public sealed class ConfigurationTests
{
    [Fact]
    public void DotEnv_IsReadByTheProvider_WithQuotesExportAndComments_AndEachValueKeepsItsSource()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, ".git"));
        File.WriteAllText(Path.Combine(folder.Path, ".env"), """
            # a comment
            export DISCERNUS_MODEL="openai/gpt-4o-mini"
            DISCERNUS_REDIS_PREFIX='lab:' # trailing comment
            DISCERNUS_STALL_TIMEOUT_SECONDS=90
            """);

        var environment = CliEnvironment.Load(folder.Path);

        Assert.Equal("openai/gpt-4o-mini", environment["DISCERNUS_MODEL"]);
        Assert.Equal("lab:", environment["DISCERNUS_REDIS_PREFIX"]);
        Assert.Equal(Path.Combine(folder.Path, ".env"), environment.Values.SourceOf("DISCERNUS_STALL_TIMEOUT_SECONDS"));
        Assert.Equal(SettingValues.DefaultSource, environment.Values.SourceOf("DISCERNUS_MAX_DOCUMENTS"));
        Assert.Null(Environment.GetEnvironmentVariable("DISCERNUS_STALL_TIMEOUT_SECONDS"));
    }

    [Theory]
    [InlineData("OPENAI_API_KEY=sk-abcdefXYZ\nDISCERNUS_MODEL=\"openai/gpt-4o\nBROKEN\n", 2)]
    [InlineData("# keys\nOPENAI_API_KEY=sk-abcdefXYZ\nnot a setting line sk-abcdefXYZ\n", 3)]
    [InlineData("OPENAI_API_KEY='sk-abcdefXYZ\n", 1)]
    public void MalformedDotEnv_NamesTheFileAndLine_NeverTheContent(string text, int line)
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, ".git"));
        var path = Path.Combine(folder.Path, ".env");
        File.WriteAllText(path, text);

        var error = Assert.Throws<SettingException>(() => CliEnvironment.Load(folder.Path));

        Assert.Contains($"the settings file {path} cannot be read: line {line} is not NAME=value", error.Message);
        Assert.DoesNotContain("abcdef", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("XYZ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("consumed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedNumber_IsOneClearError_NamingTheSettingAndItsSource_ForEveryCommand()
    {
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_MAX_DOCUMENTS"] = "ten thousand" });

        var exit = await cli.RunAsync("validate", TestPaths.Project("nano"));

        Assert.Equal(2, exit);
        var error = cli.Error.ToString();
        Assert.Contains("DISCERNUS_MAX_DOCUMENTS='ten thousand' (from given)", error);
        Assert.Contains("a whole number from 1 to 10000000", error);
        Assert.DoesNotContain("   at ", cli.AllText);
    }

    [Fact]
    public void LimitsOnceSilentlyIgnored_AreNowRefused()
    {
        var values = SettingValues.From(new Dictionary<string, string?> { ["DISCERNUS_MAX_DOCUMENT_BYTES"] = "-5" });

        var error = Assert.Throws<SettingException>(() => ExperimentLimits.FromEnvironment(values));

        Assert.Contains("DISCERNUS_MAX_DOCUMENT_BYTES='-5'", error.Message);
    }

    [Theory]
    [InlineData("1,5")]
    [InlineData("60s")]
    [InlineData("1e400")]
    public void NumbersAreParsedTheSameWayEverywhere_AndJunkIsRefused(string value)
    {
        var values = SettingValues.From(new Dictionary<string, string?> { ["DISCERNUS_STALL_TIMEOUT_SECONDS"] = value });

        Assert.Single(SettingCatalog.Check(values).Errors);
        Assert.Throws<SettingException>(() => Discernus.Orchestration.HostOptions.From(Discernus.Orchestration.DiscernusSettings.From(values), "/tmp/a"));
    }

    [Fact]
    public async Task MisspeltSetting_IsAWarningThatNamesTheIntendedOne()
    {
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_REDIS_URl"] = "redis://127.0.0.1:6379" });

        var exit = await cli.RunAsync("validate", TestPaths.Project("nano"));

        Assert.Equal(0, exit);
        Assert.Contains("DISCERNUS_REDIS_URl (from given) is not a Discernus setting and is ignored; did you mean DISCERNUS_REDIS_URL?", cli.Error.ToString());
    }

    [Fact]
    public async Task Config_ShowsEveryValueWithItsSource_AndMasksSecrets()
    {
        const string secret = "sk-test-very-secret-1234";
        var cli = new CliHarness(new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = secret,
            ["DISCERNUS_S3_SECRET_KEY"] = secret,
            ["DISCERNUS_REDIS_URL"] = $"redis://lab:{secret}@10.0.0.5:6379/2",
            ["DISCERNUS_MODEL"] = "openai/gpt-4o",
        });

        Assert.Equal(0, await cli.RunAsync("config"));
        var json = new CliHarness(new Dictionary<string, string?> { ["OPENAI_API_KEY"] = secret, ["DISCERNUS_STALL_TIMEOUT_SECONDS"] = "soon" });
        Assert.Equal(2, await json.RunAsync("config", "--format", "json"));

        Assert.DoesNotContain(secret, cli.AllText);
        Assert.DoesNotContain(secret, json.AllText);
        Assert.Contains("redis://lab:***@10.0.0.5:6379/2", cli.AllText);
        Assert.Contains("openai/gpt-4o", cli.AllText);
        Assert.Contains("DISCERNUS_MAX_DOCUMENTS", cli.AllText);
        Assert.Contains("\"source\": \"given\"", json.AllText);
        Assert.Contains("DISCERNUS_STALL_TIMEOUT_SECONDS='soon'", json.AllText);
    }

    [Theory]
    [InlineData("lab:hunter2-pass@10.0.0.5:notaport")]
    [InlineData("redis://lab:hunter2-pass@10.0.0.5:notaport")]
    [InlineData("10.0.0.5:6379,password=hunter2-pass,bogusoption=1")]
    [InlineData(":hunter2-pass@")]
    [InlineData("rediss://:hunter2-pass@ bad host")]
    public async Task RedisUrlIsNeverEchoedWithItsPassword_WhateverItsForm(string url)
    {
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_REDIS_URL"] = url });

        await cli.RunAsync("worker");
        var parsed = Record.Exception(() => RedisConnectionFactory.Parse(url));
        var shown = SettingCatalog.Display("DISCERNUS_REDIS_URL", url);

        Assert.DoesNotContain("hunter2-pass", cli.AllText);
        Assert.DoesNotContain("hunter2-pass", parsed?.Message ?? RedisConnectionFactory.Parse(url).Description);
        Assert.DoesNotContain("hunter2-pass", shown);
    }
}
