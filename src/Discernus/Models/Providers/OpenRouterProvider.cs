namespace Discernus.Models;

/// <summary>
/// OpenRouter, whose model ids name the vendor (<c>openrouter/openai/gpt-4o</c>): priced by the vendor's rows (the price
/// table matches the part after the last slash) and counted exactly when the vendor is OpenAI.
/// </summary>
internal sealed record OpenRouterProvider : OpenAIProtocolProvider
{
    public const string ApiKeyName = "OPENROUTER_API_KEY";
    public const string BaseUrlName = "OPENROUTER_BASE_URL";
    public const string DefaultUrl = "https://openrouter.ai/api/v1";

    public override string Name => "openrouter";

    public override IReadOnlyList<string> ApiKeyVariables => [ApiKeyName];

    public override string BaseUrlVariable => BaseUrlName;

    public override string DefaultBaseUrl => DefaultUrl;

    internal override TokenCounter TokenCounterFor(string model) =>
        model.StartsWith("openai/", StringComparison.OrdinalIgnoreCase) ? TokenCounter.ForOpenAIModel(model) : TokenCounter.Heuristic;
}
