using System.Text.RegularExpressions;
using Discernus.Experiments;

namespace Discernus.MiniLM;

/// <summary>
/// The texts that represent one dimension to the embedding model, grouped by what they say (see docs/models.md):
/// <list type="bullet">
/// <item><see cref="Definition"/>: the description (else the name, "positive_sentiment" read as "positive sentiment");</item>
/// <item><see cref="Guidance"/>: the anchors that describe the dimension being present — the <c>high</c> and
/// <c>medium</c> levels of <c>scoring_calibration</c> (or a free-text <c>scoring_guide</c>), with their numeric
/// ranges ("0.7-1.0:") removed; the <c>low</c> and <c>absent</c> levels describe weak or no presence and are left out;</item>
/// <item><see cref="Markers"/>: the positive marker phrases; <see cref="CounterMarkers"/>: the negative ones.</item>
/// </list>
/// </summary>
internal sealed record DimensionTexts(string Name, string Definition, IReadOnlyList<string> Guidance, IReadOnlyList<string> Markers, IReadOnlyList<string> CounterMarkers)
{
    private static readonly string[] PresentLevels = ["high", "medium", "guide"];
    private static readonly Regex Range = new(@"^\s*\d+(?:\.\d+)?\s*(?:[-–—]|to)\s*\d+(?:\.\d+)?\s*[:.]?\s*|^\s*\d+(?:\.\d+)?\s*:\s*", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public static DimensionTexts Of(Dimension dimension)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        var definition = string.IsNullOrWhiteSpace(dimension.Description) ? dimension.Name.Replace('_', ' ').Replace('-', ' ') : Collapse(dimension.Description);
        var guidance = PresentLevels
            .Select(level => dimension.ScoringCalibration.GetValueOrDefault(level))
            .Where(text => !string.IsNullOrWhiteSpace(text))
            .Select(text => Collapse(Range.Replace(text!, "")))
            .Where(text => text.Length > 0)
            .ToList();
        return new DimensionTexts(dimension.Name, definition, guidance, Clean(dimension.PositiveMarkers), Clean(dimension.NegativeMarkers));
    }

    /// <summary>Every text to embed, without repeats.</summary>
    public IEnumerable<string> All => new[] { Definition }.Concat(Guidance).Concat(Markers).Concat(CounterMarkers).Distinct(StringComparer.Ordinal);

    private static List<string> Clean(IReadOnlyList<string> markers) =>
        markers.Select(Collapse).Where(m => m.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
