using Discernus.Agents;
using Discernus.Experiments;
using Discernus.Models;

namespace Discernus.Orchestration;

/// <summary>What a run will cost before any call, so a researcher can stop before spending.</summary>
internal sealed record CostEstimate(decimal? Usd, long PromptTokens, long CompletionTokens, IReadOnlyList<string> UnpricedModels)
{
    /// <summary>Documents in the corpus.</summary>
    public int Documents { get; init; }

    /// <summary>Model calls planned: one per document × model × run, plus the synthesis; validation re-asks and retries come on top.</summary>
    public int Calls { get; init; }

    /// <summary>The estimate per hosted model (the offline models cost nothing and are left out).</summary>
    public IReadOnlyList<ModelCostEstimate> Models { get; init; } = [];

    /// <summary>Of <see cref="Calls"/>, those to hosted models: requests to a provider.</summary>
    public int ProviderRequests { get; init; }

    /// <summary>Of <see cref="Calls"/>, those an offline model (lexicon, minilm) answers on this machine: no request, no token sent.</summary>
    public int OfflineAnalyses { get; init; }

    /// <summary>The offline models among those estimated, for "(lexicon: no tokens sent, $0)".</summary>
    public IReadOnlyList<string> OfflineModels { get; init; } = [];

    /// <summary>
    /// The same calls with the providers' prompt caching: every analysis request after the first reads the shared
    /// prefix (prompt and framework) at the cached-input rate, when it is long enough to be cached; null when a price is unknown.
    /// </summary>
    public decimal? CachedUsd { get; init; }

    /// <summary>The analyses sent through the providers' batch APIs (the synthesis stays interactive); null when a model has no batch price.</summary>
    public decimal? BatchUsd { get; init; }

    /// <summary>The estimate for a run in <paramref name="mode"/>: what the budget rule compares (interactive without cache credit: caching is likely, not sure).</summary>
    internal decimal? UsdFor(BillingMode mode) => mode == BillingMode.Batch ? BatchUsd : Usd;
}

/// <summary>One model's share of a <see cref="CostEstimate"/>; <see cref="Usd"/> is null when its price is unknown.</summary>
internal sealed record ModelCostEstimate(string Model, int Calls, long PromptTokens, long CompletionTokens, decimal? Usd, string TokenCounting)
{
    /// <summary>Prompt tokens an analysis request shares with every other of the run (prompt and framework), before the document.</summary>
    public long SharedPrefixTokens { get; init; }

    /// <summary>Of <see cref="PromptTokens"/>, those expected to be read from the provider's prompt cache (0 when the prefix is too short to be cached).</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>With prompt caching; null when the price is unknown.</summary>
    public decimal? CachedUsd { get; init; }

    /// <summary>Analyses through the batch API, synthesis interactive; null when the model has no batch price.</summary>
    public decimal? BatchUsd { get; init; }

    /// <summary>When and where the model's prices were read (e.g. <c>2025-06, https://openai.com/api/pricing/</c>), or null.</summary>
    public string? PriceSource { get; init; }
}

/// <summary>
/// A deliberately simple estimate: the prompt's tokens (counted with the model's tokenizer where one ships, else about
/// four characters per token) for every document with its framework, and a fixed answer size per dimension. It is an
/// order of magnitude to plan with, not an invoice; the manifest records actuals and `discernus costs` breaks them down.
/// </summary>
internal static class CostEstimator
{
    private const int AnswerTokensPerDimension = 90;
    private const int AnswerOverheadTokens = 50;
    internal const int SynthesisPromptTokens = 3000;
    internal const int SynthesisCompletionTokens = 900;

    /// <summary>
    /// The shortest prefix the providers cache (OpenAI: 1,024 tokens; Anthropic: 1,024, 2,048 for Haiku; Gemini's
    /// implicit cache: 1,024 to 4,096): below it the estimate expects no cached tokens.
    /// </summary>
    internal const int MinimumCachedPrefixTokens = 1024;

    /// <summary>Reads the documents to count their tokens; where they are read anyway, pass their count to the other overload.</summary>
    public static CostEstimate Estimate(Experiment experiment, IReadOnlyList<string> models)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(models);
        var tokens = new CorpusTokens(models);
        // The one read of the documents with nowhere to store them; a document it cannot use counts as empty.
        new ExperimentReader(experiment.Limits).ReadDocuments(experiment, tokens.Observe);
        return Estimate(experiment, models, tokens);
    }

    /// <param name="tokens">The documents' tokens, counted during their one read (<see cref="CorpusTokens.Observe"/>).</param>
    public static CostEstimate Estimate(Experiment experiment, IReadOnlyList<string> models, CorpusTokens tokens)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(tokens);
        var prompt = PromptLibrary.Load(PromptLibrary.AnalyseDocument);
        var fixedText = prompt.Content + experiment.Framework.Text;
        var documentCount = experiment.Corpus.Documents.Count;
        var prices = PriceTable.LoadDefault();
        var perModel = new List<ModelCostEstimate>();
        var calls = 0;
        var requests = 0;
        var offline = 0;
        var offlineModels = new List<string>();
        foreach (var (model, index) in models.Select((m, i) => (m, i)))
        {
            if (!ModelName.TryParse(model, out var name, out _))
            {
                continue;
            }

            var analysisCalls = documentCount * experiment.RunsPerModel;
            var modelCalls = analysisCalls + (index == 0 ? 1 : 0);
            calls += modelCalls;
            if (!name.IsHosted)
            {
                offline += modelCalls;
                offlineModels.Add(name.ToString());
                continue;
            }

            requests += modelCalls;
            perModel.Add(EstimateModel(experiment, model, name, index == 0, tokens, fixedText, prices));
        }

        var unpriced = perModel.Where(m => m.Usd is null).Select(m => m.Model).ToList();
        return new CostEstimate(
            unpriced.Count > 0 ? null : perModel.Sum(m => m.Usd ?? 0m),
            perModel.Sum(m => m.PromptTokens),
            perModel.Sum(m => m.CompletionTokens),
            unpriced)
        {
            Documents = documentCount,
            CachedUsd = perModel.Any(m => m.CachedUsd is null) ? null : perModel.Sum(m => m.CachedUsd ?? 0m),
            BatchUsd = perModel.Any(m => m.BatchUsd is null) ? null : perModel.Sum(m => m.BatchUsd ?? 0m),
            Calls = calls,
            Models = perModel,
            ProviderRequests = requests,
            OfflineAnalyses = offline,
            OfflineModels = offlineModels,
        };
    }

    /// <summary>What one hosted model's analyses (and, for the run's first model, the synthesis) would cost.</summary>
    private static ModelCostEstimate EstimateModel(Experiment experiment, string model, ModelName name, bool withSynthesis, CorpusTokens tokens, string fixedText, PriceTable prices)
    {
        var documentCount = experiment.Corpus.Documents.Count;
        var perDocumentAnswer = (AnswerTokensPerDimension * experiment.Framework.Dimensions.Count) + AnswerOverheadTokens;
        var analysisCalls = documentCount * experiment.RunsPerModel;
        var modelCalls = analysisCalls + (withSynthesis ? 1 : 0);
        var counter = tokens.CounterFor(model) ?? TokenCounter.For(name);
        var fixedTokens = counter.Count(fixedText);
        var documentTokens = tokens.TokensFor(model)
            ?? throw new ArgumentException($"the documents' tokens were not counted for {model}", nameof(tokens));
        var promptTokens = ((fixedTokens * (long)documentCount) + documentTokens) * experiment.RunsPerModel;

        long completionTokens = (long)perDocumentAnswer * analysisCalls;
        var analysisPromptTokens = promptTokens;
        var analysisCompletionTokens = completionTokens;
        var synthesis = new ProviderUsage(0, 0);
        if (withSynthesis)
        {
            // The synthesis call reads the statistics, a few thousand tokens.
            promptTokens += SynthesisPromptTokens;
            completionTokens += SynthesisCompletionTokens;
            synthesis = new ProviderUsage(SynthesisPromptTokens, SynthesisCompletionTokens);
        }

        // Prompt caching: the first analysis request writes the shared prefix, every later one reads it.
        var price = prices.Find(name);
        var cacheable = fixedTokens >= MinimumCachedPrefixTokens && analysisCalls > 1;
        var cachedTokens = cacheable ? fixedTokens * (long)(analysisCalls - 1) : 0;
        var written = cacheable && price?.CacheWritePerMillion is not null ? fixedTokens : 0;
        var cachedUsd = prices.CostOf(name, new ProviderUsage(analysisPromptTokens, analysisCompletionTokens, cachedTokens, written))
            + prices.CostOf(name, synthesis);
        var batchUsd = prices.CostOf(name, new ProviderUsage(analysisPromptTokens, analysisCompletionTokens), BillingMode.Batch)
            + prices.CostOf(name, synthesis);
        return new ModelCostEstimate(model, modelCalls, promptTokens, completionTokens, prices.CostOf(name, promptTokens, completionTokens),
            counter.IsExact ? $"{counter.Method} (Microsoft.ML.Tokenizers)" : counter.Method)
        {
            SharedPrefixTokens = fixedTokens,
            CachedInputTokens = cachedTokens,
            CachedUsd = cachedUsd,
            BatchUsd = batchUsd,
            PriceSource = price is { AsOf: not null } ? $"{price.AsOf}, {price.Source}" : price?.Source,
        };
    }
}
