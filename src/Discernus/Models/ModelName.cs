using System.Diagnostics.CodeAnalysis;

namespace Discernus.Models;

/// <summary>
/// A model name in the LiteLLM style users know from Discernus: <c>lexicon</c>, <c>minilm</c> or <c>&lt;provider&gt;/&lt;model&gt;</c>.
/// The model part is passed to the provider unchanged, so it may itself contain slashes or colons
/// (<c>openrouter/anthropic/claude-3.5-sonnet</c>, <c>ollama/llama3.1:8b</c>).
/// </summary>
public sealed record ModelName
{
    public const string LexiconName = "lexicon";
    public const string MiniLMName = "minilm";

    /// <summary>The forms accepted by <see cref="Parse"/>, as shown in error messages and help text.</summary>
    public static readonly IReadOnlyList<string> ValidForms = [.. ModelProvider.All.Select(p => p.Form)];

    private ModelName(ModelProvider provider, string model)
    {
        Provider = provider;
        Model = model;
    }

    // One instance per offline model, so that parsing "lexicon" gives the very instance of ModelName.Lexicon.
    private static readonly Dictionary<ModelProvider, ModelName> OfflineNames =
        ModelProvider.All.Where(p => p.IsOffline).ToDictionary(p => p, p => new ModelName(p, p.Name));

    public static ModelName Lexicon => OfflineNames[ModelProvider.Lexicon];

    public static ModelName MiniLM => OfflineNames[ModelProvider.MiniLM];

    public ModelProvider Provider { get; }

    /// <summary>The provider's own model id (for the offline models, their name: "lexicon", "minilm").</summary>
    public string Model { get; }

    /// <summary>The provider prefix as written in model names: <c>openai</c>, <c>openai-compatible</c>, ...</summary>
    public string ProviderPrefix => Provider.Name;

    /// <summary>True for every provider reached over the network; false for the offline baselines (no key, no cost).</summary>
    public bool IsHosted => !Provider.IsOffline;

    public override string ToString() => IsHosted ? $"{ProviderPrefix}/{Model}" : Model;

    /// <summary>True for the names of the offline baselines (<c>lexicon</c>, <c>minilm</c>), in any case.</summary>
    public static bool IsOffline(string? text) => TryParse(text, out var name, out _) && !name.IsHosted;

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

        if (ModelProvider.All.FirstOrDefault(p => p.IsOffline && string.Equals(trimmed, p.Name, StringComparison.OrdinalIgnoreCase)) is { } offline)
        {
            name = OfflineNames[offline];
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
        // Offline names are whole names, never prefixes: "lexicon/x" is an unknown provider.
        var provider = ModelProvider.All.FirstOrDefault(p => !p.IsOffline && string.Equals(prefix, p.Name, StringComparison.OrdinalIgnoreCase));
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

        name = new ModelName(provider, model);
        error = null;
        return true;
    }

    private static string Suggestion(string bare)
    {
        var lower = bare.ToLowerInvariant();
        var prefix = ModelProvider.All.FirstOrDefault(p => p.BareModelPrefixes.Any(start => lower.StartsWith(start, StringComparison.Ordinal)))?.Name;
        return prefix is null ? "" : $" (did you mean '{prefix}/{bare}'?)";
    }
}
