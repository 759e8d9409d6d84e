using Discernus.Models;

namespace Discernus.Tests.Models;

public sealed class ModelNameTests
{
    [Theory]
    [InlineData("lexicon", "Lexicon", "lexicon")]
    [InlineData("  LEXICON ", "Lexicon", "lexicon")]
    [InlineData("minilm", "MiniLM", "minilm")]
    [InlineData(" MiniLM", "MiniLM", "minilm")]
    [InlineData("openai/gpt-4o-mini", "OpenAI", "gpt-4o-mini")]
    [InlineData("anthropic/claude-sonnet-4-20250514", "Anthropic", "claude-sonnet-4-20250514")]
    [InlineData("gemini/gemini-2.5-flash", "Gemini", "gemini-2.5-flash")]
    [InlineData("openrouter/anthropic/claude-3.5-sonnet", "OpenRouter", "anthropic/claude-3.5-sonnet")]
    [InlineData("ollama/llama3.1:8b", "Ollama", "llama3.1:8b")]
    [InlineData("openai-compatible/my-local-model", "OpenAICompatible", "my-local-model")]
    [InlineData("OpenAI/gpt-4o", "OpenAI", "gpt-4o")]
    public void Parse_ReadsProviderAndModel(string text, string provider, string model)
    {
        var name = ModelName.Parse(text);

        Assert.Equal(typeof(ModelProvider).GetProperty(provider)!.GetValue(null), name.Provider);
        Assert.Equal(model, name.Model);
    }

    [Theory]
    [InlineData("openai/gpt-4o")]
    [InlineData("openrouter/meta-llama/llama-3-70b")]
    [InlineData("lexicon")]
    [InlineData("minilm")]
    public void ToString_RoundTrips(string text) => Assert.Equal(text, ModelName.Parse(text).ToString());

    [Fact]
    public void Parse_UnknownProvider_ListsValidForms()
    {
        var error = Assert.Throws<ModelConfigurationException>(() => ModelName.Parse("mistral/large"));

        Assert.Contains("Unknown model provider 'mistral'", error.Message);
        foreach (var form in ModelName.ValidForms)
        {
            Assert.Contains(form, error.Message);
        }
    }

    [Fact]
    public void Parse_BareModel_SuggestsProvider()
    {
        var error = Assert.Throws<ModelConfigurationException>(() => ModelName.Parse("gpt-4o"));

        Assert.Contains("no provider prefix", error.Message);
        Assert.Contains("openai/gpt-4o", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Parse_Empty_Fails(string? text) =>
        Assert.Contains("empty", Assert.Throws<ModelConfigurationException>(() => ModelName.Parse(text)).Message);

    [Fact]
    public void Parse_ProviderWithoutModel_SaysHowToWriteIt()
    {
        var error = Assert.Throws<ModelConfigurationException>(() => ModelName.Parse("anthropic/"));

        Assert.Contains("anthropic/<model>", error.Message);
    }

    [Fact]
    public void EqualNames_AreEqual()
    {
        Assert.Equal(ModelName.Parse("openai/gpt-4o"), ModelName.Parse(" openai/gpt-4o "));
        Assert.NotEqual(ModelName.Parse("openai/gpt-4o"), ModelName.Parse("openai/gpt-4o-mini"));
        Assert.Same(ModelName.Lexicon, ModelName.Parse("lexicon"));
    }
}
