using System.Globalization;
using System.Text;
using Discernus.Configuration;

namespace Discernus.Models;

/// <summary>
/// Provider endpoints, API keys and call limits, read from environment-like values
/// (the CLI passes the project's <c>.env</c> merged with the process environment).
/// API keys are held privately: <see cref="ToString"/> shows only whether each is set,
/// and <see cref="Redact"/> removes them from any text before it is logged or thrown.
/// </summary>
internal sealed class ModelSettings
{
    public const string TimeoutVariable = "DISCERNUS_MODEL_TIMEOUT_SECONDS";
    public const string MaxRetriesVariable = "DISCERNUS_MODEL_MAX_RETRIES";
    public const string RequestsPerMinuteVariable = "DISCERNUS_MODEL_REQUESTS_PER_MINUTE";
    public const string TokensPerMinuteVariable = "DISCERNUS_MODEL_TOKENS_PER_MINUTE";
    public const string OutageLimitVariable = "DISCERNUS_MODEL_OUTAGE_LIMIT_SECONDS";

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

    /// <summary>Endpoint per provider; a provider without a default endpoint (openai-compatible) is absent unless configured.</summary>
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

    /// <summary>
    /// Reads the settings through the setting catalog's typed readers (the bounds and URL rule are the catalog's); throws
    /// <see cref="ModelConfigurationException"/> for malformed numbers or URLs.
    /// </summary>
    public static ModelSettings FromValues(IReadOnlyDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var settings = values as SettingValues ?? SettingValues.From(values);
        try
        {
            var keys = new Dictionary<ModelProvider, string>();
            var urls = new Dictionary<ModelProvider, Uri>();
            foreach (var provider in ModelProvider.All)
            {
                if (provider.ApiKeyVariables.Select(settings.Text).FirstOrDefault(k => k is not null) is { } key)
                {
                    keys[provider] = key;
                }

                var url = provider.BaseUrlVariable is { } variable ? SettingCatalog.HttpUrl(settings, variable) : null;
                if ((url ?? (provider.DefaultBaseUrl is { } fallback ? new Uri(fallback) : null)) is { } endpoint)
                {
                    urls[provider] = endpoint;
                }
            }

            var timeout = SettingCatalog.WholeNumber(settings, TimeoutVariable);
            var rpm = SettingCatalog.WholeNumber(settings, RequestsPerMinuteVariable);
            var tpm = SettingCatalog.WholeNumber(settings, TokensPerMinuteVariable);
            var outage = SettingCatalog.WholeNumber(settings, OutageLimitVariable);
            return new ModelSettings(
                keys,
                urls,
                timeout is { } t ? TimeSpan.FromSeconds(t) : DefaultTimeout,
                (int?)SettingCatalog.WholeNumber(settings, MaxRetriesVariable) ?? DefaultMaxRetries,
                rpm is null or 0 ? null : (int)rpm,
                tpm is null or 0 ? null : (int)tpm,
                outage is { } o ? TimeSpan.FromSeconds(o) : DefaultOutageLimit);
        }
        catch (SettingException ex)
        {
            throw new ModelConfigurationException(ex.Message);
        }
    }

    /// <summary>True when a key is configured for the provider.</summary>
    public bool HasApiKey(ModelProvider provider) => _apiKeys.ContainsKey(provider);

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

        return model.Provider.RequiresApiKey
            ? throw new ModelConfigurationException(
                $"The model '{model}' needs an API key: set {model.Provider.ApiKeyVariableText} in the project's .env file or in the environment, or choose --model lexicon to run offline.")
            : null;
    }

    /// <summary>The endpoint for a model; throws naming the variable when an OpenAI-compatible server has none.</summary>
    public Uri RequireBaseUrl(ModelName model)
    {
        if (BaseUrls.TryGetValue(model.Provider, out var url))
        {
            return url;
        }

        throw new ModelConfigurationException(model.Provider.MissingBaseUrlMessage(model));
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
        foreach (var provider in ModelProvider.All.Where(p => p.ApiKeyVariables.Count > 0))
        {
            builder.Append(provider.Name).Append(" key ").Append(HasApiKey(provider) ? "set" : "not set").Append(", ");
        }

        foreach (var provider in ModelProvider.All.Where(BaseUrls.ContainsKey))
        {
            builder.Append(provider.Name).Append(" url ").Append(Redact(BaseUrls[provider].ToString())).Append(", ");
        }

        builder.Append("timeout ").Append(Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)).Append("s, ");
        builder.Append("max retries ").Append(MaxRetries.ToString(CultureInfo.InvariantCulture)).Append(", ");
        builder.Append("requests/min ").Append(RequestsPerMinute?.ToString(CultureInfo.InvariantCulture) ?? "unlimited").Append(", ");
        builder.Append("tokens/min ").Append(TokensPerMinute?.ToString(CultureInfo.InvariantCulture) ?? "unlimited").Append(" }");
        return builder.ToString();
    }
}
