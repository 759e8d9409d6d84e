namespace Discernus.Models;

/// <summary>
/// Temperature 0 and a fixed seed, where the provider accepts them, so that repeated runs differ only as much as the
/// model itself does. Which of them a provider accepts is part of its description (<see cref="ModelProvider.SamplingFor"/>):
/// OpenAI's reasoning models refuse any temperature but the default, Anthropic's and Gemini's OpenAI-compatible API
/// have no seed, and the lexicon baseline is deterministic without either.
/// </summary>
internal static class SamplingDefaults
{
    /// <summary>The seed sent with every analysis request that can carry one; recorded in each request hash.</summary>
    public const long Seed = 20241124;

    public static (float? Temperature, long? Seed) For(ModelName model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Provider.SamplingFor(model.Model);
    }
}
