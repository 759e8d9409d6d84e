using Discernus.Models;

namespace Discernus.Tests.Models;

public sealed class DefaultModelResolverTests
{
    private static readonly IReadOnlyDictionary<string, string?> EnvWithModel =
        ModelsTestData.Env((DefaultModelResolver.ModelVariable, "anthropic/claude-sonnet-4"));

    [Fact]
    public void Flag_WinsOverEverything() =>
        Assert.Equal([ModelName.Parse("openai/gpt-4o")], DefaultModelResolver.Resolve("openai/gpt-4o", ["gemini/gemini-2.5-flash"], EnvWithModel));

    [Fact]
    public void ExperimentModels_WinOverEnvironment() =>
        Assert.Equal(
            [ModelName.Parse("gemini/gemini-2.5-flash"), ModelName.Lexicon],
            DefaultModelResolver.Resolve(null, ["gemini/gemini-2.5-flash", "lexicon", "gemini/gemini-2.5-flash"], EnvWithModel));

    [Fact]
    public void Environment_IsUsedWhenNothingElseIsGiven() =>
        Assert.Equal([ModelName.Parse("anthropic/claude-sonnet-4")], DefaultModelResolver.Resolve(" ", [], EnvWithModel));

    [Fact]
    public void Lexicon_IsTheFinalDefault() =>
        Assert.Equal([ModelName.Lexicon], DefaultModelResolver.Resolve(null, null, ModelsTestData.Env()));

    [Fact]
    public void BadName_SaysWhereItCameFrom()
    {
        var error = Assert.Throws<ModelConfigurationException>(() => DefaultModelResolver.Resolve(null, ["openai/gpt-4o", "foo/bar"], ModelsTestData.Env()));

        Assert.Contains("models list (entry 2)", error.Message);
        Assert.Contains("foo", error.Message);
    }
}
