using System.Diagnostics.CodeAnalysis;

namespace Discernus.Models;

/// <summary>
/// A model name in the LiteLLM style users know from Discernus: <c>lexicon</c>, <c>minilm</c> or <c>&lt;provider&gt;/&lt;model&gt;</c>.
/// The model part is passed to the provider unchanged, so it may itself contain slashes or colons
/// (<c>openrouter/anthropic/claude-3.5-sonnet</c>, <c>ollama/llama3.1:8b</c>).
/// </summary>
internal sealed record ModelName
{
    public const string LexiconName = "lexicon";
    public const string MiniLMName = "minilm";

    /// <summary>The forms accepted by <see cref="Parse"/>, as shown in error messages and help text.</summary>
    public static readonly IReadOnlyList<string> ValidForms =
    [
        "lexicon",
        "minilm",
        "openai/<model>",
        "anthropic/<model>",
        "gemini/<model>",
        "openrouter/<model>",
        "ollama/<model>",
        "openai-compatible/<model>",
    ];

    private ModelName(ModelProvider provider, string model)
    {
        Provider = provider;
        Model = model;
    }

    public static ModelName Lexicon { get; } = new(ModelProvider.Lexicon, LexiconName);

    public static ModelName MiniLM { get; } = new(ModelProvider.MiniLM, MiniLMName);

    public ModelProvider Provider { get; }

    /// <summary>The provider's own model id (for the offline models, their name: "lexicon", "minilm").</summary>
    public string Model { get; }

    /// <summary>The provider prefix as written in model names: <c>openai</c>, <c>openai-compatible</c>, ...</summary>
    public string ProviderPrefix => PrefixOf(Provider);

    /// <summary>True for every provider reached over the network; false for the offline baselines (no key, no cost).</summary>
    public bool IsHosted => Provider is not (ModelProvider.Lexicon or ModelProvider.MiniLM);

    public override string ToString() => IsHosted ? $"{ProviderPrefix}/{Model}" : Model;

    /// <summary>True for the names of the offline baselines (<c>lexicon</c>, <c>minilm</c>), in any case.</summary>
    public static bool IsOffline(string? text) => TryParse(text, out var name, out _) && !name.IsHosted;

    public static string PrefixOf(ModelProvider provider) => provider switch
    {
        ModelProvider.Lexicon => "lexicon",
        ModelProvider.MiniLM => "minilm",
        ModelProvider.OpenAI => "openai",
        ModelProvider.Anthropic => "anthropic",
        ModelProvider.Gemini => "gemini",
        ModelProvider.OpenRouter => "openrouter",
        ModelProvider.Ollama => "ollama",
        ModelProvider.OpenAICompatible => "openai-compatible",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary>Parses a model name; throws <see cref="ModelConfigurationException"/> listing the valid forms.</summary>
    public static ModelName Parse(string? text)
    {
        if (TryParse(text, out var name, out var error))
        {
            return name;
        }

        throw new ModelConfigurationException(error);
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out ModelName? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        var trimmed = text?.Trim() ?? "";
        var forms = string.Join(", ", ValidForms);
        if (trimmed.Length == 0)
        {
            error = $"The model name is empty. Valid forms: {forms}.";
            return false;
        }

        if (string.Equals(trimmed, LexiconName, StringComparison.OrdinalIgnoreCase))
        {
            name = Lexicon;
            error = null;
            return true;
        }

        if (string.Equals(trimmed, MiniLMName, StringComparison.OrdinalIgnoreCase))
        {
            name = MiniLM;
            error = null;
            return true;
        }

        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            error = $"The model name '{trimmed}' has no provider prefix{Suggestion(trimmed)}. Valid forms: {forms}.";
            return false;
        }

        var prefix = trimmed[..slash];
        var model = trimmed[(slash + 1)..].Trim();
        ModelProvider? provider = prefix.ToLowerInvariant() switch
        {
            "openai" => ModelProvider.OpenAI,
            "anthropic" => ModelProvider.Anthropic,
            "gemini" => ModelProvider.Gemini,
            "openrouter" => ModelProvider.OpenRouter,
            "ollama" => ModelProvider.Ollama,
            "openai-compatible" => ModelProvider.OpenAICompatible,
            _ => null,
        };
        if (provider is null)
        {
            error = $"Unknown model provider '{prefix}' in '{trimmed}'. Valid forms: {forms}.";
            return false;
        }

        if (model.Length == 0)
        {
            error = $"The model name '{trimmed}' names the provider but no model; write it as {prefix.ToLowerInvariant()}/<model>.";
            return false;
        }

        name = new ModelName(provider.Value, model);
        error = null;
        return true;
    }

    private static string Suggestion(string bare)
    {
        var lower = bare.ToLowerInvariant();
        string? prefix = lower switch
        {
            _ when lower.StartsWith("gpt", StringComparison.Ordinal) || lower.StartsWith("o1", StringComparison.Ordinal)
                || lower.StartsWith("o3", StringComparison.Ordinal) || lower.StartsWith("o4", StringComparison.Ordinal) => "openai",
            _ when lower.StartsWith("claude", StringComparison.Ordinal) => "anthropic",
            _ when lower.StartsWith("gemini", StringComparison.Ordinal) => "gemini",
            _ => null,
        };
        return prefix is null ? "" : $" (did you mean '{prefix}/{bare}'?)";
    }
}
