using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// Everything Discernus knows about one provider, in one description: its name in model names, how a client reaches it
/// (wire protocol, endpoint and its variable, key variables), how its tokens are counted and priced, its sampling
/// defaults and its batch API. Code that differs by provider asks the description rather than switching on a name, so
/// a new provider is one subclass in <c>Models/Providers/</c> and its line in <see cref="All"/> (plus its key and
/// endpoint settings in <c>Configuration/SettingCatalog.cs</c>, which sits below this layer and cannot read them here).
/// </summary>
public abstract record ModelProvider
{
    public static ModelProvider Lexicon { get; } = new LexiconProvider();

    public static ModelProvider MiniLM { get; } = new MiniLMProvider();

    public static ModelProvider OpenAI { get; } = new OpenAIProvider();

    public static ModelProvider Anthropic { get; } = new AnthropicProvider();

    public static ModelProvider Gemini { get; } = new GeminiProvider();

    public static ModelProvider OpenRouter { get; } = new OpenRouterProvider();

    public static ModelProvider Ollama { get; } = new OllamaProvider();

    public static ModelProvider OpenAICompatible { get; } = new OpenAICompatibleProvider();

    /// <summary>Every provider, in the order help texts, settings and doctor output list them: the one list to extend.</summary>
    public static IReadOnlyList<ModelProvider> All { get; } = [Lexicon, MiniLM, OpenAI, Anthropic, Gemini, OpenRouter, Ollama, OpenAICompatible];

    /// <summary>The name as written in model names: the whole name of an offline model, the prefix of a hosted one.</summary>
    public abstract string Name { get; }

    /// <summary>Offline models run in this process (registered as an <see cref="IOfflineModel"/>): no key, no endpoint, no cost.</summary>
    public virtual bool IsOffline => false;

    /// <summary>How the name is written, as listed in error messages and help text.</summary>
    public string Form => IsOffline ? Name : Name + "/<model>";

    /// <summary>The variables that may hold the key, first set wins; empty for providers that take none.</summary>
    public virtual IReadOnlyList<string> ApiKeyVariables => [];

    /// <summary>False for servers that may run without a key (a local OpenAI-compatible server) though one can be set.</summary>
    public virtual bool RequiresApiKey => ApiKeyVariables.Count > 0;

    /// <summary>The key variable as named in messages.</summary>
    public virtual string ApiKeyVariableText => ApiKeyVariables.Count switch
    {
        0 => "(none: the lexicon model needs no key)",
        1 => ApiKeyVariables[0],
        _ => $"{ApiKeyVariables[0]} (or {string.Join(", ", ApiKeyVariables.Skip(1))})",
    };

    /// <summary>The variable that sets the endpoint; null for offline models.</summary>
    public virtual string? BaseUrlVariable => null;

    /// <summary>The endpoint when <see cref="BaseUrlVariable"/> is unset; null when the user must give one.</summary>
    public virtual string? DefaultBaseUrl => null;

    /// <summary>The endpoint variable as named in messages.</summary>
    public string BaseUrlVariableText => BaseUrlVariable ?? "(none: the lexicon model has no endpoint)";

    /// <summary>How the start of a bare model id ("gpt-4o") gives this provider away, for did-you-mean suggestions.</summary>
    public virtual IReadOnlyList<string> BareModelPrefixes => [];

    /// <summary>Which batch API, if any, takes this provider's requests (<c>run --batch</c>).</summary>
    internal virtual BatchProtocol BatchProtocol => BatchProtocol.None;

    /// <summary>The list prices of its models (per million tokens); empty when free (offline) or not published as data here.</summary>
    internal virtual IReadOnlyList<ModelPrice> Prices => [];

    /// <summary>The error when <see cref="DefaultBaseUrl"/> is null and the user set no endpoint.</summary>
    public virtual string MissingBaseUrlMessage(ModelName model) => $"The model '{model}' has no endpoint configured.";

    /// <summary>How a model's tokens are counted: the heuristic unless the provider's tokenizer ships with Discernus.</summary>
    internal virtual TokenCounter TokenCounterFor(string model) => TokenCounter.Heuristic;

    /// <summary>Temperature and seed sent with analysis requests, where the provider accepts them (see <see cref="SamplingDefaults"/>).</summary>
    public virtual (float? Temperature, long? Seed) SamplingFor(string model) => (0f, SamplingDefaults.Seed);

    /// <summary>The bare client, without the gateway's middleware; throws <see cref="ModelConfigurationException"/> for a missing key or endpoint.</summary>
    internal abstract IChatClient CreateClient(ModelName model, ProviderClientContext context);

    // Sealed so the descriptions print as their name, not as the record members the compiler would list.
    public sealed override string ToString() => Name;
}
