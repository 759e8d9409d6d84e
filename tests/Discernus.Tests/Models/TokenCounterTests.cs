using Discernus.Models;

namespace Discernus.Tests.Models;

public sealed class TokenCounterTests
{
    [Theory]
    [InlineData("openai/gpt-4o-mini")]
    [InlineData("openai/gpt-4.1")]
    [InlineData("openai/o3-mini")]
    [InlineData("openrouter/openai/gpt-4o")]
    public void OpenAIsCurrentModels_AreCountedWithO200k(string model)
    {
        var counter = TokenCounter.For(ModelName.Parse(model));

        Assert.True(counter.IsExact);
        Assert.Equal("o200k_base", counter.Method);
        // o200k_base: "Hello" + " world" + "!" are three tokens; 4-characters-per-token would say 3 as well, so use a longer text too.
        Assert.Equal(3, counter.Count("Hello world!"));
        Assert.Equal(1, counter.Count(" reading"));
        Assert.NotEqual(TokenCounter.Heuristic.Count(new string('a', 1000)), counter.Count(new string('a', 1000)));
    }

    [Theory]
    [InlineData("anthropic/claude-sonnet-4")]
    [InlineData("gemini/gemini-2.5-flash")]
    [InlineData("openai-compatible/llama")]
    [InlineData("openai/gpt-3.5-turbo")]
    public void OtherModels_AreEstimatedAtFourCharactersPerToken(string model)
    {
        var counter = TokenCounter.For(ModelName.Parse(model));

        Assert.False(counter.IsExact);
        Assert.Equal(3, counter.Count("Hello world!"));
        Assert.Equal(250, counter.Count(new string('a', 1000)));
        Assert.Equal(1, counter.Count("abc"));
    }
}
