using System.Text.Json;
using System.Text.RegularExpressions;
using Discernus.Experiments;
using Discernus.Offline.Lexicon;

namespace Discernus.Tests.Offline;

/// <summary>
/// Marker regexes start interpreted (a short run does not pay for compiling them) and are compiled after
/// <see cref="MarkerPatternCache.CompileAfterUses"/> scans; the scores must not depend on which engine ran.
/// </summary>
public sealed class MarkerPatternCacheTests
{
    private static readonly Dimension Resolve = new()
    {
        Name = "resolve",
        PositiveMarkers = ["we will", "overcome", "don't give up", "fear"],
        NegativeMarkers = ["nothing to fear", "give up"],
    };

    private const string Text = "We will overcome. We  will\nnot give up, for we have nothing to fear but fear itself. Don’t give up! Overcome it; we WILL.";

    [Fact]
    public void A_marker_is_interpreted_first_and_compiled_after_enough_scans()
    {
        var cache = new MarkerPatternCache();

        var first = cache.Get("fear");
        for (var i = 1; i < MarkerPatternCache.CompileAfterUses - 1; i++)
        {
            Assert.Same(first, cache.Get("fear"));
        }

        var promoted = cache.Get("fear");

        Assert.Equal(RegexOptions.None, first.Options & RegexOptions.Compiled);
        Assert.Equal(RegexOptions.Compiled, promoted.Options & RegexOptions.Compiled);
        Assert.Same(promoted, cache.Get("fear"));
    }

    [Fact]
    public void Scores_are_the_same_with_interpreted_and_compiled_markers()
    {
        var document = LexiconScorer.Prepare(Text);
        var interpreted = LexiconScorer.Score(Resolve, document, "none", new MarkerPatternCache());
        var warmed = new MarkerPatternCache();
        for (var i = 0; i < MarkerPatternCache.CompileAfterUses; i++)
        {
            LexiconScorer.Score(Resolve, document, "none", warmed);
        }

        var compiled = LexiconScorer.Score(Resolve, document, "none", warmed);

        Assert.True(interpreted.PositiveHits > 0 && interpreted.NegativeHits > 0, JsonSerializer.Serialize(interpreted));
        Assert.Equal(JsonSerializer.Serialize(interpreted), JsonSerializer.Serialize(compiled));
    }
}
