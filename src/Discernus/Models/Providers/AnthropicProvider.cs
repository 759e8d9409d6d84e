using Anthropic;
using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>Anthropic through its own SDK: prompt-cache marks on the system block, Message Batches, no seed.</summary>
internal sealed record AnthropicProvider : ModelProvider
{
    public const string ApiKeyName = "ANTHROPIC_API_KEY";
    public const string BaseUrlName = "ANTHROPIC_BASE_URL";
    public const string DefaultUrl = "https://api.anthropic.com";
    private const string PricingPage = "https://www.anthropic.com/pricing#api (base input, 5m cache writes, cache hits, output; Message Batches 50 %)";

    public override string Name => "anthropic";

    public override IReadOnlyList<string> ApiKeyVariables => [ApiKeyName];

    public override string BaseUrlVariable => BaseUrlName;

    public override string DefaultBaseUrl => DefaultUrl;

    public override IReadOnlyList<string> BareModelPrefixes => ["claude"];

    internal override BatchProtocol BatchProtocol => BatchProtocol.Anthropic;

    public override (float? Temperature, long? Seed) SamplingFor(string model) => (0f, null);

    internal override IReadOnlyList<ModelPrice> Prices =>
    [
        Row("claude-3-5-sonnet", 3.00m, 15.00m) with { CachedInputPerMillion = 0.30m, CacheWritePerMillion = 3.75m, BatchInputPerMillion = 1.50m, BatchOutputPerMillion = 7.50m, BatchCachedInputPerMillion = 0.15m },
        Row("claude-3-7-sonnet", 3.00m, 15.00m) with { CachedInputPerMillion = 0.30m, CacheWritePerMillion = 3.75m, BatchInputPerMillion = 1.50m, BatchOutputPerMillion = 7.50m, BatchCachedInputPerMillion = 0.15m },
        Row("claude-sonnet-4", 3.00m, 15.00m) with { CachedInputPerMillion = 0.30m, CacheWritePerMillion = 3.75m, BatchInputPerMillion = 1.50m, BatchOutputPerMillion = 7.50m, BatchCachedInputPerMillion = 0.15m },
        Row("claude-3-5-haiku", 0.80m, 4.00m) with { CachedInputPerMillion = 0.08m, CacheWritePerMillion = 1.00m, BatchInputPerMillion = 0.40m, BatchOutputPerMillion = 2.00m, BatchCachedInputPerMillion = 0.04m },
        Row("claude-opus-4", 15.00m, 75.00m) with { CachedInputPerMillion = 1.50m, CacheWritePerMillion = 18.75m, BatchInputPerMillion = 7.50m, BatchOutputPerMillion = 37.50m, BatchCachedInputPerMillion = 0.75m },
    ];

    internal override IChatClient CreateClient(ModelName model, ProviderClientContext context)
    {
        var client = new AnthropicClient(new Anthropic.Core.ClientOptions
        {
            ApiKey = context.Settings.RequireApiKey(model),
            BaseUrl = context.Settings.RequireBaseUrl(model).ToString().TrimEnd('/'),
            MaxRetries = 0,
            Timeout = context.SdkTimeout,
        });

        // Its API requires an answer length, so the gateway's default is sent.
        return new PromptCacheMarkingChatClient(client.AsIChatClient(model.Model, context.Options.DefaultMaxOutputTokens));
    }

    private static ModelPrice Row(string model, decimal input, decimal output) =>
        new(model, input, output) { AsOf = "2025-06", Source = PricingPage };
}
