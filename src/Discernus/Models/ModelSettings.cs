using System.Globalization;
using System.Text;

namespace Discernus.Models;

/// <summary>
/// Provider endpoints, API keys and call limits, read from environment-like values
/// (the CLI passes the project's <c>.env</c> merged with the process environment).
/// API keys are held privately: <see cref="ToString"/> shows only whether each is set,
/// and <see cref="Redact"/> removes them from any text before it is logged or thrown.
/// </summary>
internal sealed class ModelSettings
{
    public const string OpenAIApiKeyVariable = "OPENAI_API_KEY";
    public const string OpenAIBaseUrlVariable = "OPENAI_BASE_URL";
    public const string AnthropicApiKeyVariable = "ANTHROPIC_API_KEY";
    public const string AnthropicBaseUrlVariable = "ANTHROPIC_BASE_URL";
    public const string GeminiApiKeyVariable = "GEMINI_API_KEY";
    public const string GoogleApiKeyVariable = "GOOGLE_API_KEY";
    public const string GeminiBaseUrlVariable = "GEMINI_BASE_URL";
    public const string OpenRouterApiKeyVariable = "OPENROUTER_API_KEY";
    public const string OpenRouterBaseUrlVariable = "OPENROUTER_BASE_URL";
    public const string OllamaBaseUrlVariable = "OLLAMA_BASE_URL";
    public const string CompatibleBaseUrlVariable = "DISCERNUS_OPENAI_COMPATIBLE_BASE_URL";
    public const string CompatibleApiKeyVariable = "DISCERNUS_OPENAI_COMPATIBLE_API_KEY";
    public const string TimeoutVariable = "DISCERNUS_MODEL_TIMEOUT_SECONDS";
    public const string MaxRetriesVariable = "DISCERNUS_MODEL_MAX_RETRIES";
    public const string RequestsPerMinuteVariable = "DISCERNUS_MODEL_REQUESTS_PER_MINUTE";
    public const string TokensPerMinuteVariable = "DISCERNUS_MODEL_TOKENS_PER_MINUTE";
    public const string OutageLimitVariable = "DISCERNUS_MODEL_OUTAGE_LIMIT_SECONDS";

    public const string DefaultOpenAIBaseUrl = "https://api.openai.com/v1";
    public const string DefaultAnthropicBaseUrl = "https://api.anthropic.com";
    public const string DefaultGeminiBaseUrl = "https://generativelanguage.googleapis.com/v1beta/openai/";
    public const string DefaultOpenRouterBaseUrl = "https://openrouter.ai/api/v1";
    public const string DefaultOllamaBaseUrl = "http://localhost:11434/v1";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);
    public const int DefaultMaxRetries = 3;
    public static readonly TimeSpan DefaultOutageLimit = TimeSpan.FromMinutes(15);

    private readonly Dictionary<ModelProvider, string> _apiKeys;

    private ModelSettings(
        Dictionary<ModelProvider, string> apiKeys,
        IReadOnlyDictionary<ModelProvider, Uri> baseUrls,
        TimeSpan timeout,
        int maxRetries,
        int? requestsPerMinute,
        int? tokensPerMinute,
        TimeSpan outageLimit)
    {
        _apiKeys = apiKeys;
        BaseUrls = baseUrls;
        Timeout = timeout;
        MaxRetries = maxRetries;
        RequestsPerMinute = requestsPerMinute;
        TokensPerMinute = tokensPerMinute;
        OutageLimit = outageLimit;
    }

    /// <summary>Endpoint per provider; <see cref="ModelProvider.OpenAICompatible"/> is absent unless configured.</summary>
    public IReadOnlyDictionary<ModelProvider, Uri> BaseUrls { get; }

    /// <summary>Per-attempt time limit of one model call.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Retries after the first attempt for transient failures (0 = no retry).</summary>
    public int MaxRetries { get; }

    /// <summary>Requests per minute per provider endpoint, shared by every run of the process (and by every worker on one external Redis), or null for no limit.</summary>
    public int? RequestsPerMinute { get; }

    /// <summary>Tokens (prompt + answer) per minute per provider endpoint, shared like <see cref="RequestsPerMinute"/>, or null for no limit.</summary>
    public int? TokensPerMinute { get; }

    /// <summary>
    /// How long calls wait for an endpoint that answered before and then stopped answering (no connection, server errors,
    /// time-outs) or answers only 429, before the calls fail and the run stops (<c>DISCERNUS_MODEL_OUTAGE_LIMIT_SECONDS</c>).
    /// </summary>
    public TimeSpan OutageLimit { get; }

    /// <summary>Settings with no keys and default endpoints (what an empty environment gives).</summary>
    public static ModelSettings Empty { get; } = FromValues(new Dictionary<string, string?>());

    /// <summary>Reads the settings; throws <see cref="ModelConfigurationException"/> for malformed numbers or URLs.</summary>
    public static ModelSettings FromValues(IReadOnlyDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        string? Get(string name) => values.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var keys = new Dictionary<ModelProvider, string>();
        void Key(ModelProvider provider, string? value)
        {
            if (value is not null)
            {
                keys[provider] = value;
            }
        }

        Key(ModelProvider.OpenAI, Get(OpenAIApiKeyVariable));
        Key(ModelProvider.Anthropic, Get(AnthropicApiKeyVariable));
        Key(ModelProvider.Gemini, Get(GeminiApiKeyVariable) ?? Get(GoogleApiKeyVariable));
        Key(ModelProvider.OpenRouter, Get(OpenRouterApiKeyVariable));
        Key(ModelProvider.OpenAICompatible, Get(CompatibleApiKeyVariable));

        var urls = new Dictionary<ModelProvider, Uri>
        {
            [ModelProvider.OpenAI] = Url(OpenAIBaseUrlVariable, Get(OpenAIBaseUrlVariable) ?? DefaultOpenAIBaseUrl),
            [ModelProvider.Anthropic] = Url(AnthropicBaseUrlVariable, Get(AnthropicBaseUrlVariable) ?? DefaultAnthropicBaseUrl),
            [ModelProvider.Gemini] = Url(GeminiBaseUrlVariable, Get(GeminiBaseUrlVariable) ?? DefaultGeminiBaseUrl),
            [ModelProvider.OpenRouter] = Url(OpenRouterBaseUrlVariable, Get(OpenRouterBaseUrlVariable) ?? DefaultOpenRouterBaseUrl),
            [ModelProvider.Ollama] = Url(OllamaBaseUrlVariable, Get(OllamaBaseUrlVariable) ?? DefaultOllamaBaseUrl),
        };
        if (Get(CompatibleBaseUrlVariable) is { } compatible)
        {
            urls[ModelProvider.OpenAICompatible] = Url(CompatibleBaseUrlVariable, compatible);
        }

        var timeoutSeconds = Number(TimeoutVariable, Get(TimeoutVariable), min: 1, max: 3600);
        var retries = Number(MaxRetriesVariable, Get(MaxRetriesVariable), min: 0, max: 20);
        var rpm = Number(RequestsPerMinuteVariable, Get(RequestsPerMinuteVariable), min: 0, max: 1_000_000);
        var tpm = Number(TokensPerMinuteVariable, Get(TokensPerMinuteVariable), min: 0, max: 1_000_000_000);
        var outage = Number(OutageLimitVariable, Get(OutageLimitVariable), min: 1, max: 86_400);

        return new ModelSettings(
            keys,
            urls,
            timeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : DefaultTimeout,
            retries ?? DefaultMaxRetries,
            rpm is null or 0 ? null : rpm,
            tpm is null or 0 ? null : tpm,
            outage is { } o ? TimeSpan.FromSeconds(o) : DefaultOutageLimit);
    }

    /// <summary>True when a key is configured for the provider.</summary>
    public bool HasApiKey(ModelProvider provider) => _apiKeys.ContainsKey(provider);

    /// <summary>The variable a user sets to give the provider its key, as named in error messages.</summary>
    public static string ApiKeyVariableFor(ModelProvider provider) => provider switch
    {
        ModelProvider.OpenAI => OpenAIApiKeyVariable,
        ModelProvider.Anthropic => AnthropicApiKeyVariable,
        ModelProvider.Gemini => $"{GeminiApiKeyVariable} (or {GoogleApiKeyVariable})",
        ModelProvider.OpenRouter => OpenRouterApiKeyVariable,
        ModelProvider.OpenAICompatible => CompatibleApiKeyVariable,
        ModelProvider.Ollama => "(none: Ollama needs no key)",
        _ => "(none: the lexicon model needs no key)",
    };

    /// <summary>The variable that sets the provider's endpoint, as named in error messages.</summary>
    public static string BaseUrlVariableFor(ModelProvider provider) => provider switch
    {
        ModelProvider.OpenAI => OpenAIBaseUrlVariable,
        ModelProvider.Anthropic => AnthropicBaseUrlVariable,
        ModelProvider.Gemini => GeminiBaseUrlVariable,
        ModelProvider.OpenRouter => OpenRouterBaseUrlVariable,
        ModelProvider.Ollama => OllamaBaseUrlVariable,
        ModelProvider.OpenAICompatible => CompatibleBaseUrlVariable,
        _ => "(none: the lexicon model has no endpoint)",
    };

    /// <summary>
    /// The API key for a model, or null for providers that run without one (Ollama, lexicon, a keyless
    /// OpenAI-compatible server). Throws <see cref="ModelConfigurationException"/> naming the variable
    /// to set when a hosted provider has none.
    /// </summary>
    internal string? RequireApiKey(ModelName model)
    {
        if (_apiKeys.TryGetValue(model.Provider, out var key))
        {
            return key;
        }

        return model.Provider switch
        {
            ModelProvider.OpenAI or ModelProvider.Anthropic or ModelProvider.Gemini or ModelProvider.OpenRouter =>
                throw new ModelConfigurationException(
                    $"The model '{model}' needs an API key: set {ApiKeyVariableFor(model.Provider)} in the project's .env file or in the environment, or choose --model lexicon to run offline."),
            _ => null,
        };
    }

    /// <summary>The endpoint for a model; throws naming the variable when an OpenAI-compatible server has none.</summary>
    public Uri RequireBaseUrl(ModelName model)
    {
        if (BaseUrls.TryGetValue(model.Provider, out var url))
        {
            return url;
        }

        throw new ModelConfigurationException(model.Provider == ModelProvider.OpenAICompatible
            ? $"The model '{model}' needs the server's address: set {CompatibleBaseUrlVariable} (e.g. http://localhost:8000/v1)."
            : $"The model '{model}' has no endpoint configured.");
    }

    /// <summary>Replaces every configured API key occurring in <paramref name="text"/> with "***".</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var key in _apiKeys.Values)
        {
            // Very short values are not plausible keys and would mangle ordinary text.
            if (key.Length >= 4)
            {
                text = text.Replace(key, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }

    public override string ToString()
    {
        var builder = new StringBuilder("ModelSettings { ");
        foreach (var provider in new[] { ModelProvider.OpenAI, ModelProvider.Anthropic, ModelProvider.Gemini, ModelProvider.OpenRouter, ModelProvider.OpenAICompatible })
        {
            builder.Append(ModelName.PrefixOf(provider)).Append(" key ").Append(HasApiKey(provider) ? "set" : "not set").Append(", ");
        }

        foreach (var (provider, url) in BaseUrls.OrderBy(p => p.Key))
        {
            builder.Append(ModelName.PrefixOf(provider)).Append(" url ").Append(Redact(url.ToString())).Append(", ");
        }

        builder.Append("timeout ").Append(Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)).Append("s, ");
        builder.Append("max retries ").Append(MaxRetries.ToString(CultureInfo.InvariantCulture)).Append(", ");
        builder.Append("requests/min ").Append(RequestsPerMinute?.ToString(CultureInfo.InvariantCulture) ?? "unlimited").Append(", ");
        builder.Append("tokens/min ").Append(TokensPerMinute?.ToString(CultureInfo.InvariantCulture) ?? "unlimited").Append(" }");
        return builder.ToString();
    }

    private static Uri Url(string variable, string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        throw new ModelConfigurationException($"{variable} = '{value}' is not an http(s) URL; set it to e.g. https://host/v1.");
    }

    private static int? Number(string variable, string? value, int min, int max)
    {
        if (value is null)
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        throw new ModelConfigurationException($"{variable} = '{value}' is not valid; set it to a whole number from {min} to {max}.");
    }
}
