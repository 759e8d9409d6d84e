using Discernus.Offline.Lexicon;

namespace Discernus.MiniLM;

/// <summary>The sentences the minilm model writes, from the embedded <c>Resources/minilm-texts.yaml</c> (the lexicon's text shape).</summary>
internal static class MiniLMTexts
{
    public const string ResourceName = "Discernus.MiniLM.minilm-texts.yaml";

    public static LexiconTexts Load()
    {
        using var stream = typeof(MiniLMTexts).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource '{ResourceName}' is missing from Discernus.MiniLM; rebuild the project.");
        using var reader = new StreamReader(stream);
        return LexiconTexts.Parse(reader.ReadToEnd());
    }
}
