using Discernus.Agents;
using Discernus.Experiments;
using Discernus.Models;

namespace Discernus.Orchestration;

/// <summary>What a run will cost before any call, so a researcher can stop before spending.</summary>
public sealed record CostEstimate(decimal? Usd, long PromptTokens, long CompletionTokens, IReadOnlyList<string> UnpricedModels);

/// <summary>
/// A deliberately simple estimate: about four characters per token for prompt, framework and document, and a fixed
/// answer size per dimension. It is an order of magnitude to plan with, not an invoice; the manifest records actuals.
/// </summary>
public static class CostEstimator
{
    private const double CharactersPerToken = 4.0;
    private const int AnswerTokensPerDimension = 90;
    private const int SynthesisCompletionTokens = 900;

    public static CostEstimate Estimate(Experiment experiment, IReadOnlyList<string> models)
    {
        var prompt = PromptLibrary.Load(PromptLibrary.AnalyseDocument).Content.Length + experiment.Framework.Text.Length;
        var perDocumentAnswer = AnswerTokensPerDimension * experiment.Framework.Dimensions.Count + 50;
        var prices = PriceTable.LoadDefault();
        decimal? total = 0m;
        long promptTokens = 0, completionTokens = 0;
        var unpriced = new List<string>();
        foreach (var model in models)
        {
            if (!ModelName.TryParse(model, out var name, out _) || !name.IsHosted)
            {
                continue;
            }

            long modelPrompt = 0, modelCompletion = 0;
            foreach (var document in experiment.Corpus.Documents)
            {
                var size = File.Exists(document.FullPath) ? new FileInfo(document.FullPath).Length : 0;
                modelPrompt += (long)((prompt + size) / CharactersPerToken) * experiment.RunsPerModel;
                modelCompletion += perDocumentAnswer * experiment.RunsPerModel;
            }

            if (model == models[0])
            {
                // The synthesis call reads the statistics, a few thousand tokens.
                modelPrompt += 3000;
                modelCompletion += SynthesisCompletionTokens;
            }

            promptTokens += modelPrompt;
            completionTokens += modelCompletion;
            if (prices.CostOf(name, modelPrompt, modelCompletion) is { } cost)
            {
                total += cost;
            }
            else
            {
                unpriced.Add(model);
                total = null;
            }
        }

        return new CostEstimate(total, promptTokens, completionTokens, unpriced);
    }
}
