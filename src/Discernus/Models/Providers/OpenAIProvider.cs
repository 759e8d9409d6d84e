namespace Discernus.Models;

/// <summary>OpenAI: counted exactly with o200k_base, priced from its published list, batches through its Batch API.</summary>
internal sealed record OpenAIProvider : OpenAIProtocolProvider
{
    public const string ApiKeyName = "OPENAI_API_KEY";
    public const string BaseUrlName = "OPENAI_BASE_URL";
    public const string DefaultUrl = "https://api.openai.com/v1";
    private const string PricingPage = "https://openai.com/api/pricing/ (standard, cached input and Batch API rows)";

    public override string Name => "openai";

    public override IReadOnlyList<string> ApiKeyVariables => [ApiKeyName];

    public override string BaseUrlVariable => BaseUrlName;

    public override string DefaultBaseUrl => DefaultUrl;

    public override IReadOnlyList<string> BareModelPrefixes => ["gpt", "o1", "o3", "o4"];

    internal override BatchProtocol BatchProtocol => BatchProtocol.OpenAI;

    internal override TokenCounter TokenCounterFor(string model) => TokenCounter.ForOpenAIModel(model);

    // Its reasoning models refuse any temperature but the default.
    public override (float? Temperature, long? Seed) SamplingFor(string model) =>
        IsReasoningModel(model) ? (null, SamplingDefaults.Seed) : base.SamplingFor(model);

    internal override IReadOnlyList<ModelPrice> Prices =>
    [
        Row("gpt-4o", 2.50m, 10.00m) with { CachedInputPerMillion = 1.25m, BatchInputPerMillion = 1.25m, BatchOutputPerMillion = 5.00m },
        Row("gpt-4o-mini", 0.15m, 0.60m) with { CachedInputPerMillion = 0.075m, BatchInputPerMillion = 0.075m, BatchOutputPerMillion = 0.30m },
        Row("gpt-4.1", 2.00m, 8.00m) with { CachedInputPerMillion = 0.50m, BatchInputPerMillion = 1.00m, BatchOutputPerMillion = 4.00m },
        Row("gpt-4.1-mini", 0.40m, 1.60m) with { CachedInputPerMillion = 0.10m, BatchInputPerMillion = 0.20m, BatchOutputPerMillion = 0.80m },
        Row("gpt-4.1-nano", 0.10m, 0.40m) with { CachedInputPerMillion = 0.025m, BatchInputPerMillion = 0.05m, BatchOutputPerMillion = 0.20m },
        Row("o3-mini", 1.10m, 4.40m) with { CachedInputPerMillion = 0.55m, BatchInputPerMillion = 0.55m, BatchOutputPerMillion = 2.20m },
    ];

    private static ModelPrice Row(string model, decimal input, decimal output) =>
        new(model, input, output) { AsOf = "2025-06", Source = PricingPage };

    private static bool IsReasoningModel(string model) =>
        model.StartsWith("o1", StringComparison.OrdinalIgnoreCase) || model.StartsWith("o3", StringComparison.OrdinalIgnoreCase)
        || model.StartsWith("o4", StringComparison.OrdinalIgnoreCase) || model.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase);
}
