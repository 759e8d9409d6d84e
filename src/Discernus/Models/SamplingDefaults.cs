namespace Discernus.Models;

/// <summary>
/// Temperature 0 and a fixed seed, where the provider accepts them, so that repeated runs differ only as much as the
/// model itself does. OpenAI's reasoning models refuse any temperature but the default, Anthropic's and Gemini's
/// OpenAI-compatible API have no seed, and the lexicon baseline is deterministic without either.
/// </summary>
internal static class SamplingDefaults
{
    /// <summary>The seed sent with every analysis request that can carry one; recorded in each request hash.</summary>
    public const long Seed = 20241124;

    public static (float? Temperature, long? Seed) For(ModelName model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Provider switch
        {
            ModelProvider.Lexicon => (null, null),
            ModelProvider.OpenAI when IsOpenAIReasoningModel(model.Model) => (null, Seed),
            ModelProvider.Anthropic or ModelProvider.Gemini => (0f, null),
            _ => (0f, Seed),
        };
    }

    private static bool IsOpenAIReasoningModel(string model) =>
        model.StartsWith("o1", StringComparison.OrdinalIgnoreCase) || model.StartsWith("o3", StringComparison.OrdinalIgnoreCase)
        || model.StartsWith("o4", StringComparison.OrdinalIgnoreCase) || model.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase);
}
