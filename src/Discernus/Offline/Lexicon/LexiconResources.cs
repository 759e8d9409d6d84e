using System.Resources;

namespace Discernus.Offline.Lexicon;

/// <summary>The data files of this folder (<c>Resources/*.yaml</c>), embedded through <c>Resources/LexiconResources.resx</c>.</summary>
internal static class LexiconResources
{
    public const string LexiconTexts = "lexicon-texts.yaml";

    private static readonly ResourceManager Manager = new("Discernus.Offline.Lexicon.Resources.LexiconResources", typeof(LexiconResources).Assembly);

    public static string GetText(string name) =>
        Manager.GetString(name, System.Globalization.CultureInfo.InvariantCulture)
        ?? throw new InvalidOperationException($"The embedded resource '{name}' is missing from {typeof(LexiconResources).Assembly.GetName().Name}; rebuild the project.");
}
