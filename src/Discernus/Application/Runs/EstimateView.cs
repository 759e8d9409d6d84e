using System.Globalization;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Orchestration;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>One model's row of the estimate: calls, tokens and the cost in each billing mode, and where the figures come from.</summary>
public sealed record ModelEstimateRow(string Model, int Calls, long PromptTokens, long CompletionTokens, string Interactive, string WithCaching, string Batch, string Source);

/// <summary>
/// A <see cref="CostEstimate"/> in the words `estimate`, `run --dry-run` and the start of `run` all print: the work,
/// the cost in each billing mode, the budget and what is unknown. The front end chooses emphasis and layout.
/// </summary>
public sealed record EstimateView
{
    /// <summary>Documents × runs × models = calls, and the provider requests and offline analyses that makes.</summary>
    public required string Work { get; init; }

    /// <summary>False when only offline models run: <see cref="Work"/> is all there is to say.</summary>
    public bool Priced { get; init; }

    public IReadOnlyList<ModelEstimateRow> PerModel { get; init; } = [];

    /// <summary>What the three billing modes mean, with the shared prompt prefix the caching figure assumes.</summary>
    public string Modes { get; init; } = "";

    public required string Cost { get; init; }

    /// <summary>The models no price is known for, with what that means for the budget; null when every model is priced.</summary>
    public string? Unpriced { get; init; }

    /// <summary>"budget.max_cost_usd $X: the estimate is", completed by <see cref="WithinBudget"/>; null without a budget (or with unpriced models).</summary>
    public string? Budget { get; init; }

    public bool WithinBudget { get; init; }

    /// <param name="mode">How the run will send its analyses: the budget is compared with that mode's estimate.</param>
    internal static EstimateView Of(Experiment experiment, IReadOnlyList<string> models, CostEstimate estimate, BillingMode mode)
    {
        var analyses = estimate.Documents * experiment.RunsPerModel * models.Count;
        // The same words as the run summary, `costs`, the report and serve: provider requests, offline analyses, cache hits.
        var work = ModelWork.Requests(estimate.ProviderRequests, estimate.OfflineAnalyses);
        var offline = estimate.OfflineModels.Count == 0 ? ""
            : $"; {string.Join(" and ", estimate.OfflineModels)} run{(estimate.OfflineModels.Count == 1 ? "s" : "")} on this machine: no provider request, no token sent, $0";
        var cost = estimate.Usd is { } usd ? $"about {CostText.Usd(usd)}"
            : estimate.UnpricedModels.Count == estimate.Models.Count ? "unknown"
            : $"unknown, at least {CostText.Usd(estimate.Models.Sum(m => m.Usd ?? 0m))} for the priced models";
        var modes = estimate.Usd is null ? ""
            : $" With prompt caching about {CostText.Usd(estimate.CachedUsd)}; in batch mode {(estimate.BatchUsd is { } batchUsd ? $"about {CostText.Usd(batchUsd)}" : "unknown (a model has no batch price)")}.";
        var budget = estimate.UnpricedModels.Count == 0 && experiment.MaxCostUsd is { } max ? max : (decimal?)null;
        return new EstimateView
        {
            Work = $"Estimate: {estimate.Documents:N0} document(s) × {experiment.RunsPerModel} run(s) × {models.Count} model(s) = {estimate.Calls:N0} model call(s) ({analyses:N0} analyses + 1 synthesis): {work}{offline}.",
            Priced = estimate.Models.Count > 0,
            PerModel = [.. estimate.Models.Select(m => new ModelEstimateRow(m.Model, m.Calls, m.PromptTokens, m.CompletionTokens, CostText.Usd(m.Usd), CostText.Usd(m.CachedUsd),
                m.BatchUsd is null && m.Usd is not null ? "no batch price" : CostText.Usd(m.BatchUsd), $"{m.Model}: tokens counted with {m.TokenCounting}; prices {m.PriceSource ?? "unknown"}."))],
            Modes = estimate.Models.Count == 0 ? "" :
                "Modes: interactive = one request per document, live progress; with caching = the same requests, the shared prefix " +
                $"(prompt and framework, ~{estimate.Models.Max(m => m.SharedPrefixTokens):N0} tokens) read from the provider's prompt cache by every request after the first " +
                $"(prefixes under {CostEstimator.MinimumCachedPrefixTokens:N0} tokens are not cached); batch = `run --batch`, the provider's batch API at about half the price, results within 24 h, no live progress.",
            Cost = $"Estimated: ~{estimate.PromptTokens:N0} prompt and ~{estimate.CompletionTokens:N0} completion tokens; cost {cost}{(mode == BillingMode.Batch ? " interactive" : "")}.{modes} An estimate: the manifest records the actual cost.",
            Unpriced = estimate.UnpricedModels.Count == 0 ? null
                : $"no price is known for {string.Join(", ", estimate.UnpricedModels)}: its cost is unknown, not zero{(experiment.MaxCostUsd is { } b ? $", and budget.max_cost_usd (${b.ToString(CultureInfo.InvariantCulture)}) cannot be enforced for it" : "")}.",
            Budget = budget is { } limit ? $"budget.max_cost_usd ${limit.ToString(CultureInfo.InvariantCulture)}: the {(mode == BillingMode.Batch ? "batch " : "")}estimate is" : null,
            WithinBudget = budget is { } ceiling && estimate.UsdFor(mode) <= ceiling,
        };
    }
}
