using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Orchestration;

public sealed class CostEstimatorTests
{
    private static Experiment Nano() => ExperimentValidator.Validate(TestPaths.Project("nano"), new ExperimentLimits()).Experiment!;

    [Fact]
    public void PricedModel_GetsDocumentsCallsTokensAndADollarCost()
    {
        var estimate = CostEstimator.Estimate(Nano(), ["openai/gpt-4o-mini"]);

        Assert.Equal(2, estimate.Documents);
        Assert.Equal(3, estimate.Calls);
        var model = Assert.Single(estimate.Models);
        Assert.Contains("o200k_base", model.TokenCounting);
        Assert.True(estimate.PromptTokens > 3000, $"{estimate.PromptTokens} prompt tokens: framework and documents are missing");
        Assert.NotNull(estimate.Usd);
        Assert.True(estimate.Usd > 0m);
        Assert.Empty(estimate.UnpricedModels);
    }

    [Fact]
    public void UnpricedModel_HasAnUnknownCost_NotZero()
    {
        var estimate = CostEstimator.Estimate(Nano(), ["openai-compatible/my-model"]);

        Assert.Null(estimate.Usd);
        Assert.Equal(["openai-compatible/my-model"], estimate.UnpricedModels);
        Assert.Null(Assert.Single(estimate.Models).Usd);
        Assert.True(estimate.PromptTokens > 0);
    }

    [Fact]
    public void Lexicon_CostsNothing_AndSendsNoTokens()
    {
        var estimate = CostEstimator.Estimate(Nano(), ["lexicon"]);

        Assert.Equal(0m, estimate.Usd);
        Assert.Empty(estimate.Models);
        Assert.Equal(0, estimate.PromptTokens);
        Assert.Equal(3, estimate.Calls);
    }
}
