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

    [Fact]
    public void Estimate_ShowsInteractiveCachedAndBatchCost_SideBySide()
    {
        var experiment = ExperimentValidator.Validate(TestPaths.Project("political_rhetoric"), new ExperimentLimits()).Experiment!;

        var estimate = CostEstimator.Estimate(experiment, ["openai/gpt-4o-mini"]);

        var model = Assert.Single(estimate.Models);
        Assert.True(model.SharedPrefixTokens >= CostEstimator.MinimumCachedPrefixTokens, $"a prefix of {model.SharedPrefixTokens} tokens is too short to be cached");
        Assert.Equal(model.SharedPrefixTokens * (estimate.Documents - 1), model.CachedInputTokens);
        Assert.True(estimate.CachedUsd < estimate.Usd, $"cached {estimate.CachedUsd} is not below {estimate.Usd}");
        // Batch: half the price for the analyses; the one synthesis call stays interactive.
        var synthesis = Discernus.Models.PriceTable.LoadDefault().CostOf(Discernus.Models.ModelName.Parse("openai/gpt-4o-mini"), CostEstimator.SynthesisPromptTokens, CostEstimator.SynthesisCompletionTokens)!.Value;
        Assert.Equal(((estimate.Usd!.Value - synthesis) / 2) + synthesis, estimate.BatchUsd!.Value, 6);
        Assert.Contains("openai.com", model.PriceSource);
    }

    [Fact]
    public void APrefixTooShortToCache_GetsNoCacheCredit()
    {
        var estimate = CostEstimator.Estimate(Nano(), ["openai/gpt-4o-mini"]);

        var model = Assert.Single(estimate.Models);
        if (model.SharedPrefixTokens < CostEstimator.MinimumCachedPrefixTokens)
        {
            Assert.Equal(0, model.CachedInputTokens);
            Assert.Equal(estimate.Usd, estimate.CachedUsd);
        }
        else
        {
            Assert.Equal(model.SharedPrefixTokens, model.CachedInputTokens);
        }
    }
}
