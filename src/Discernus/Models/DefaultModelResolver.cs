namespace Discernus.Models;

/// <summary>
/// Chooses the models of a run: the <c>--model</c> flag, else the experiment's <c>models</c> list,
/// else <c>DISCERNUS_MODEL</c>, else <c>lexicon</c> (which needs no key and no network).
/// </summary>
internal static class DefaultModelResolver
{
    public const string ModelVariable = "DISCERNUS_MODEL";

    /// <summary>Resolves and parses; throws <see cref="ModelConfigurationException"/> for a malformed name, saying where it came from.</summary>
    public static IReadOnlyList<ModelName> Resolve(
        string? modelFlag,
        IReadOnlyList<string>? experimentModels,
        IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(modelFlag))
        {
            return [ParseFrom(modelFlag, "the --model option")];
        }

        if (experimentModels is { Count: > 0 })
        {
            return experimentModels
                .Select((m, i) => ParseFrom(m, $"the experiment's models list (entry {i + 1})"))
                .Distinct()
                .ToList();
        }

        if (environment.TryGetValue(ModelVariable, out var fromEnvironment) && !string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return [ParseFrom(fromEnvironment, ModelVariable)];
        }

        return [ModelName.Lexicon];
    }

    private static ModelName ParseFrom(string text, string source) =>
        ModelName.TryParse(text, out var name, out var error)
            ? name
            : throw new ModelConfigurationException($"In {source}: {error}");
}
