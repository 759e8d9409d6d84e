namespace Discernus.Models;

/// <summary>Google Gemini through its OpenAI-compatible endpoint, which takes no seed.</summary>
internal sealed record GeminiProvider : OpenAIProtocolProvider
{
    public const string ApiKeyName = "GEMINI_API_KEY";
    public const string GoogleApiKeyName = "GOOGLE_API_KEY";
    public const string BaseUrlName = "GEMINI_BASE_URL";
    public const string DefaultUrl = "https://generativelanguage.googleapis.com/v1beta/openai/";
    private const string PricingPage = "https://ai.google.dev/gemini-api/docs/pricing (paid tier, prompts up to 200k tokens; Batch Mode 50 %)";

    public override string Name => "gemini";

    public override IReadOnlyList<string> ApiKeyVariables => [ApiKeyName, GoogleApiKeyName];

    public override string BaseUrlVariable => BaseUrlName;

    public override string DefaultBaseUrl => DefaultUrl;

    public override IReadOnlyList<string> BareModelPrefixes => ["gemini"];

    public override (float? Temperature, long? Seed) SamplingFor(string model) => (0f, null);

    internal override IReadOnlyList<ModelPrice> Prices =>
    [
        Row("gemini-2.0-flash", 0.10m, 0.40m) with { CachedInputPerMillion = 0.025m, BatchInputPerMillion = 0.05m, BatchOutputPerMillion = 0.20m },
        Row("gemini-2.5-flash", 0.30m, 2.50m) with { CachedInputPerMillion = 0.075m, BatchInputPerMillion = 0.15m, BatchOutputPerMillion = 1.25m },
        Row("gemini-2.5-flash-lite", 0.10m, 0.40m) with { CachedInputPerMillion = 0.025m, BatchInputPerMillion = 0.05m, BatchOutputPerMillion = 0.20m },
        Row("gemini-2.5-pro", 1.25m, 10.00m) with { CachedInputPerMillion = 0.31m, BatchInputPerMillion = 0.625m, BatchOutputPerMillion = 5.00m },
    ];

    private static ModelPrice Row(string model, decimal input, decimal output) =>
        new(model, input, output) { AsOf = "2025-06", Source = PricingPage };
}
