using Discernus.Experiments;

namespace Discernus.Offline.Lexicon;

/// <summary>
/// The lexicon's description of a document for the calibration head: per dimension, in the framework's order, the
/// positive and the negative marker matches per 100 words (as <see cref="LexiconScorer"/> counts them, so a marker inside a
/// longer counter-marker does not count; a dimension without positive markers gives 0 and 0), then log(1 + words).
/// Rates rather than counts so a long document is not "more" of everything; the length itself is the last feature.
/// </summary>
public static class LexiconFeatures
{
    public const string FeatureSet = "lexicon marker counts";

    /// <summary>2 per dimension, plus 1.</summary>
    public static int Count(Framework framework)
    {
        ArgumentNullException.ThrowIfNull(framework);
        return (2 * framework.Dimensions.Count) + 1;
    }

    public static float[] Of(Framework framework, string documentText, MarkerPatternCache patterns)
    {
        ArgumentNullException.ThrowIfNull(framework);
        ArgumentNullException.ThrowIfNull(documentText);
        ArgumentNullException.ThrowIfNull(patterns);
        var document = LexiconScorer.Prepare(documentText);
        var per100 = 100.0 / Math.Max(1, document.WordCount);
        var features = new float[Count(framework)];
        var scores = LexiconScorer.ScoreAll(framework.Dimensions, document, notScorableReason: string.Empty, patterns);
        for (var d = 0; d < framework.Dimensions.Count; d++)
        {
            var score = scores[d];
            features[2 * d] = (float)(score.PositiveHits * per100);
            features[(2 * d) + 1] = (float)(score.NegativeHits * per100);
        }

        features[^1] = (float)Math.Log(1 + document.WordCount);
        return features;
    }
}
