using System.Text.RegularExpressions;
using Discernus.Experiments;

namespace Discernus.Offline.Lexicon;

/// <summary>
/// The markers of a framework's dimensions, ready to be found in a document with one scan
/// (<see cref="MarkerAutomaton"/>). Each candidate the scan reports is confirmed by the marker's own regex anchored
/// there (<see cref="LexiconScorer.MarkerPattern"/>: word boundaries, white space, case), and each marker keeps only
/// its non-overlapping occurrences from left to right, so the matches are exactly those of scanning the text with each
/// marker's regex in turn.
/// </summary>
internal sealed class MarkerSet
{
    private readonly MarkerAutomaton _automaton;
    private readonly Regex[] _anchored;
    private readonly (int Positive, int PositiveCount, int Negative, int NegativeCount)[] _dimensions;

    public MarkerSet(IReadOnlyList<Dimension> dimensions, Func<string, Regex> anchoredPattern)
    {
        var keys = new List<string>();
        var patterns = new List<Regex>();
        _dimensions = new (int, int, int, int)[dimensions.Count];
        for (var d = 0; d < dimensions.Count; d++)
        {
            var positive = keys.Count;
            Add(dimensions[d].PositiveMarkers);
            var negative = keys.Count;
            Add(dimensions[d].NegativeMarkers);
            _dimensions[d] = (positive, negative - positive, negative, keys.Count - negative);
        }

        _automaton = new MarkerAutomaton(keys);
        _anchored = [.. patterns];

        void Add(IReadOnlyList<string> markers)
        {
            // Duplicate markers (ignoring case) of one kind count once.
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var marker in markers)
            {
                var words = LexiconScorer.MarkerWords(marker);
                if (words.Count == 0 || !seen.Add(string.Join(' ', words)))
                {
                    continue;
                }

                keys.Add(new string([.. string.Join(' ', words).Select(MarkerAutomaton.Fold)]));
                patterns.Add(anchoredPattern(@"\G" + LexiconScorer.MarkerPattern(words)));
            }
        }
    }

    /// <summary>Where dimension <paramref name="dimension"/>'s positive and negative markers are among <see cref="Find"/>'s lists.</summary>
    public (Range Positive, Range Negative) Of(int dimension)
    {
        var (positive, positiveCount, negative, negativeCount) = _dimensions[dimension];
        return (positive..(positive + positiveCount), negative..(negative + negativeCount));
    }

    /// <summary>Per marker, its occurrences as (index, length) pairs in document order; null where it has none.</summary>
    public List<(int Index, int Length)>?[] Find(string text)
    {
        var found = new List<(int Index, int Length)>?[_anchored.Length];
        var resumeAt = new int[_anchored.Length];
        foreach (var (marker, start, _) in _automaton.Scan(text))
        {
            // As a regex scan does, the next occurrence of a marker is looked for after the end of its last one.
            if (start < resumeAt[marker])
            {
                continue;
            }

            foreach (var match in _anchored[marker].EnumerateMatches(text, start))
            {
                (found[marker] ??= []).Add((match.Index, match.Length));
                resumeAt[marker] = match.Index + match.Length;
                break;
            }
        }

        return found;
    }
}
