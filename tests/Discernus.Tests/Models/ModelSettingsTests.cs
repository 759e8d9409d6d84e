using Discernus.Models;

namespace Discernus.Tests.Models;

public sealed class ModelSettingsTests
{
    private const string Key = "sk-live-SUPERSECRET-0123456789";

    [Fact]
    public void ToString_ShowsWhetherKeysAreSet_ButNeverTheKeys()
    {
        var settings = ModelSettings.FromValues(ModelsTestData.Env(
            (OpenAIProvider.ApiKeyName, Key),
            (AnthropicProvider.ApiKeyName, "sk-ant-ANOTHERSECRET"),
            (GeminiProvider.ApiKeyName, "gem-THIRDSECRET")));

        var text = settings.ToString();

        Assert.DoesNotContain(Key, text);
        Assert.DoesNotContain("ANOTHERSECRET", text);
        Assert.DoesNotContain("THIRDSECRET", text);
        Assert.Contains("openai key set", text);
        Assert.Contains("openrouter key not set", text);
    }

    [Fact]
    public void MissingKey_ErrorNamesTheVariable_AndLeaksNoOtherKey()
    {
        var settings = ModelSettings.FromValues(ModelsTestData.Env((OpenAIProvider.ApiKeyName, Key)));

        var error = Assert.Throws<ModelConfigurationException>(() => settings.RequireApiKey(ModelName.Parse("anthropic/claude-sonnet-4")));

        Assert.Contains("ANTHROPIC_API_KEY", error.Message);
        Assert.Contains("anthropic/claude-sonnet-4", error.Message);
        Assert.DoesNotContain(Key, error.ToString());
    }

    [Fact]
    public void Gemini_FallsBackToGoogleApiKey()
    {
        var settings = ModelSettings.FromValues(ModelsTestData.Env((GeminiProvider.GoogleApiKeyName, "google-key")));

        Assert.Equal("google-key", settings.RequireApiKey(ModelName.Parse("gemini/gemini-2.5-flash")));
    }

    [Fact]
    public void Gemini_MissingKey_MentionsBothVariables()
    {
        var error = Assert.Throws<ModelConfigurationException>(() => ModelSettings.Empty.RequireApiKey(ModelName.Parse("gemini/gemini-2.5-pro")));

        Assert.Contains("GEMINI_API_KEY", error.Message);
        Assert.Contains("GOOGLE_API_KEY", error.Message);
    }

    [Fact]
    public void Ollama_NeedsNoKey_AndDefaultsToLocalhost()
    {
        var ollama = ModelName.Parse("ollama/llama3");

        Assert.Null(ModelSettings.Empty.RequireApiKey(ollama));
        Assert.Equal(new Uri("http://localhost:11434/v1"), ModelSettings.Empty.RequireBaseUrl(ollama));
    }

    [Fact]
    public void BlankValues_CountAsUnset()
    {
        var settings = ModelSettings.FromValues(ModelsTestData.Env((OpenAIProvider.ApiKeyName, "   ")));

        Assert.False(settings.HasApiKey(ModelProvider.OpenAI));
    }

    [Fact]
    public void Limits_AreRead_WithDefaults()
    {
        var defaults = ModelSettings.Empty;
        var custom = ModelSettings.FromValues(ModelsTestData.Env(
            (ModelSettings.TimeoutVariable, "30"),
            (ModelSettings.MaxRetriesVariable, "0"),
            (ModelSettings.RequestsPerMinuteVariable, "120")));

        Assert.Equal(ModelSettings.DefaultTimeout, defaults.Timeout);
        Assert.Equal(ModelSettings.DefaultMaxRetries, defaults.MaxRetries);
        Assert.Null(defaults.RequestsPerMinute);
        Assert.Equal(TimeSpan.FromSeconds(30), custom.Timeout);
        Assert.Equal(0, custom.MaxRetries);
        Assert.Equal(120, custom.RequestsPerMinute);
    }

    [Theory]
    [InlineData(ModelSettings.TimeoutVariable, "soon")]
    [InlineData(ModelSettings.TimeoutVariable, "0")]
    [InlineData(ModelSettings.MaxRetriesVariable, "-1")]
    [InlineData(ModelSettings.RequestsPerMinuteVariable, "1.5")]
    public void MalformedNumber_NamesVariableAndValue(string variable, string value)
    {
        var error = Assert.Throws<ModelConfigurationException>(() => ModelSettings.FromValues(ModelsTestData.Env((variable, value))));

        Assert.Contains(variable, error.Message);
        Assert.Contains($"'{value}'", error.Message);
    }

    [Fact]
    public void MalformedUrl_NamesVariable()
    {
        var error = Assert.Throws<ModelConfigurationException>(() =>
            ModelSettings.FromValues(ModelsTestData.Env((OpenAIProvider.BaseUrlName, "not a url"))));

        Assert.Contains(OpenAIProvider.BaseUrlName, error.Message);
    }

    [Fact]
    public void Redact_RemovesEveryConfiguredKey()
    {
        var settings = ModelSettings.FromValues(ModelsTestData.Env(
            (OpenAIProvider.ApiKeyName, Key),
            (OpenAICompatibleProvider.ApiKeyName, "compat-SECRET-42")));

        var redacted = settings.Redact($"bad key {Key} and compat-SECRET-42 here");

        Assert.Equal("bad key *** and *** here", redacted);
    }
}
