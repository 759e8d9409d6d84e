namespace Discernus.Models;

/// <summary>A local Ollama server through its OpenAI-compatible endpoint: no key, no price.</summary>
internal sealed record OllamaProvider : OpenAIProtocolProvider
{
    public const string BaseUrlName = "OLLAMA_BASE_URL";
    public const string DefaultUrl = "http://localhost:11434/v1";

    public override string Name => "ollama";

    public override string ApiKeyVariableText => "(none: Ollama needs no key)";

    public override string BaseUrlVariable => BaseUrlName;

    public override string DefaultBaseUrl => DefaultUrl;
}
