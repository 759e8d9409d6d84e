using System.Resources;

namespace Discernus.Models;

/// <summary>The data files of this folder (<c>Resources/*.yaml</c>), embedded through <c>Resources/ModelsResources.resx</c>.</summary>
internal static class ModelsResources
{
    public const string PriceTable = "model-prices.yaml";
    public const string LexiconTexts = "lexicon-texts.yaml";

    private static readonly ResourceManager Manager = new("Discernus.Models.Resources.ModelsResources", typeof(ModelsResources).Assembly);

    public static string GetText(string name) =>
        Manager.GetString(name, System.Globalization.CultureInfo.InvariantCulture)
        ?? throw new InvalidOperationException($"The embedded resource '{name}' is missing from {typeof(ModelsResources).Assembly.GetName().Name}; rebuild the project.");
}
