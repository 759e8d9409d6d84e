using System.Text.Json;
using System.Text.RegularExpressions;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>Reads what an analysis or synthesis request to the fake model server is about, and writes answers for it.</summary>
internal static partial class ScriptedAnalysisAnswers
{
    /// <summary>The synthesis prompt puts the statistics between these markers; the analysis prompt never does.</summary>
    public static bool IsSynthesis(FakeModelServerRequest request) =>
        request.MessageTexts.Any(t => t.Contains("=== STATISTICS ===", StringComparison.Ordinal));

    /// <summary>The document an analysis request is about (from its DOCUMENT delimiter), or null.</summary>
    public static string? DocumentName(FakeModelServerRequest request) =>
        request.MessageTexts.Select(t => DocumentMarker().Match(t)).FirstOrDefault(m => m.Success)?.Groups[1].Value.Trim();

    /// <summary>The dimension names the analysis prompt asks for.</summary>
    public static IReadOnlyList<string> Dimensions(FakeModelServerRequest request) =>
        request.MessageTexts.Select(t => DimensionsLine().Match(t)).FirstOrDefault(m => m.Success)?.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>An answer in the form the analysis prompt asks for; <paramref name="tweak"/> may change any dimension.</summary>
    public static string Answer(IEnumerable<string> dimensions, Func<string, Dictionary<string, object>, Dictionary<string, object>?>? tweak = null)
    {
        var scores = new Dictionary<string, object>();
        foreach (var dimension in dimensions)
        {
            var entry = new Dictionary<string, object> { ["raw_score"] = 0.5, ["salience"] = 0.5, ["confidence"] = 0.8, ["evidence"] = Array.Empty<string>() };
            if (tweak is null)
            {
                scores[dimension] = entry;
            }
            else if (tweak(dimension, entry) is { } changed)
            {
                scores[dimension] = changed;
            }
        }

        return JsonSerializer.Serialize(new Dictionary<string, object> { ["dimensional_scores"] = scores, ["notes"] = "scripted" });
    }

    [GeneratedRegex(@"=== DOCUMENT: (.+?) ===")]
    private static partial Regex DocumentMarker();

    [GeneratedRegex(@"Dimensions to score \(use exactly these names\): (.+)")]
    private static partial Regex DimensionsLine();
}
