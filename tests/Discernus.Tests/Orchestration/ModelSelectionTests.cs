using Discernus.Experiments;
using Discernus.Models;
using Discernus.Orchestration;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Orchestration;

/// <summary>The one rule for a run's models (moved here from the unused DefaultModelResolver, which spelt it again).</summary>
public sealed class ModelSelectionTests
{
    private static readonly DiscernusSettings WithModel =
        DiscernusSettings.From(new Dictionary<string, string?> { [Discernus.Configuration.SettingNames.DefaultModel] = "anthropic/claude-sonnet-4" });

    private static readonly Experiment Nano = new ExperimentReader().Read(TestPaths.Project("nano")).Experiment!;

    [Fact]
    public void Flag_WinsOverEverything()
    {
        var models = ModelSelection.Resolve("openai/gpt-4o", Nano with { Models = ["gemini/gemini-2.5-flash"] }, WithModel);

        Assert.Equal(["openai/gpt-4o"], models.Names);
        Assert.Equal("flag", models.Source);
    }

    [Fact]
    public void ExperimentModels_WinOverTheSetting_EachOnce()
    {
        var models = ModelSelection.Resolve(null, Nano with { Models = ["gemini/gemini-2.5-flash", "lexicon", "gemini/gemini-2.5-flash"] }, WithModel);

        Assert.Equal(["gemini/gemini-2.5-flash", ModelName.LexiconName], models.Names);
        Assert.Equal("experiment", models.Source);
    }

    [Fact]
    public void TheSetting_IsUsedWhenNothingElseIsGiven()
    {
        var models = ModelSelection.Resolve(" ", Nano with { Models = [] }, WithModel);

        Assert.Equal(["anthropic/claude-sonnet-4"], models.Names);
        Assert.Equal("environment", models.Source);
    }

    [Fact]
    public void Lexicon_IsTheFinalDefault()
    {
        var models = ModelSelection.Resolve(null, Nano with { Models = [] }, DiscernusSettings.Defaults);

        Assert.Equal([ModelName.LexiconName], models.Names);
        Assert.True(models.OfflineBaseline);
    }

    [Fact]
    public void BadName_IsNamed()
    {
        Assert.Contains("foo", ModelNameCheck.Problem("foo/bar"));
        Assert.Null(ModelNameCheck.Problem("openai/gpt-4o"));
    }
}
