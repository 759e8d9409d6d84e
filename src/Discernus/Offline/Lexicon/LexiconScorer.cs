using System.Text;
using System.Text.RegularExpressions;
using Discernus.Experiments;

namespace Discernus.Offline.Lexicon;

/// <summary>
/// The dictionary analysis behind <see cref="LexiconChatClient"/>: a classic LIWC-style baseline over each dimension's
/// markers, deterministic and monotone.
/// <para><b>Matching.</b> Each marker (<c>positive_examples</c> as evidence, <c>negative_examples</c> as counter-evidence)
/// is matched case-insensitively on word boundaries: a marker's words may be separated by any run of white space (so a
/// phrase may wrap across lines), typographic apostrophes match ASCII ones and vice versa, surrounding quotation marks
/// and trailing punctuation of a marker are ignored. Every marker counts its own non-overlapping occurrences; duplicate
/// markers (ignoring case) count once. A match lying inside a longer match of the opposite kind does not count (in
/// "nothing to fear", a counter-marker, the positive marker "fear" is not evidence).</para>
/// <para><b>Formulas.</b> With W the number of words in the document (at least 1), P the positive occurrences, N the
/// negative occurrences, p and n the numbers of distinct positive and negative markers that occur:
/// <code>
/// density    = 1000 * P / W                                  (positive hits per 1000 words)
/// salience   = 1 - exp(-density / 10)                        (10 hits per 1000 words gives 0.632)
/// share      = P / (P + N)                                   (0 when P = 0)
/// raw_score  = salience * share
/// conflict   = 2 * min(P, N) / (P + N)                       (0 when one side is absent, 1 when balanced)
/// confidence = (0.2 + 0.8 * (1 - exp(-(p + n) / 3))) * (1 - 0.5 * conflict)
/// </code>
/// For a fixed document length, salience and raw_score rise with every added positive hit and raw_score falls with
/// every added negative hit; confidence rises with the number of distinct markers found and falls as evidence and
/// counter-evidence become balanced (no marker found at all gives 0.2: absence of evidence is weak evidence).
/// All values are clamped to [0, 1] and rounded to 4 decimals (midpoint away from zero).</para>
/// <para><b>Evidence.</b> Up to 3 sentences containing positive matches, in document order, copied from the text with
/// runs of white space collapsed to one space (so they verify with <see cref="EvidenceVerifier"/>); a sentence longer
/// than 400 characters is cut to the words around the match.</para>
/// <para>A dimension without positive markers is not scored: all three numbers are null with
/// <c>not_scorable_reason</c>, never a made-up value.</para>
/// </summary>
public static partial class LexiconScorer
{
    public const double DensityScale = 10.0;
    public const int MaxEvidence = 3;
    public const int MaxEvidenceLength = 400;

    // The document-wide patterns are source-generated and have no time limit: each is linear (no two ways to match the
    // same text), and one scan of a 19 MB document takes seconds, so a limit would only fail long documents on a busy
    // machine. The marker patterns, built from the framework's text, keep theirs (MarkerPatternCache; it applies to each match).
    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex WhiteSpace();

    // A sentence ends after . ! ? (and closing quotes/brackets) followed by white space, or at a blank line.
    [GeneratedRegex(@"(?<=[.!?…][""'”’)\]]*)\s+|\n\s*\n", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceBreak();

    /// <summary>
    /// The number of words: maximal runs of letters and digits (Unicode L and N), two runs joined by one apostrophe
    /// (<c>'</c> or <c>’</c>) counting as one word ("don't"), which is what the pattern
    /// <c>[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*</c> matches (see <see cref="WordCounter"/>).
    /// </summary>
    public static int CountWords(string text) => WordCounter.Count(text);

    /// <summary>Word count and sentence spans of a document, computed once for all dimensions.</summary>
    public static LexiconDocument Prepare(string text)
    {
        var starts = new List<int> { 0 };
        var ends = new List<int>();
        foreach (var separator in SentenceBreak().EnumerateMatches(text))
        {
            ends.Add(separator.Index);
            starts.Add(separator.Index + separator.Length);
        }

        ends.Add(text.Length);
        return new LexiconDocument(text, CountWords(text), starts, ends);
    }

    /// <summary>Each dimension scored on one scan of the document for all markers of <paramref name="dimensions"/>.</summary>
    internal static List<LexiconScore> ScoreAll(IReadOnlyList<Dimension> dimensions, LexiconDocument document, string notScorableReason, MarkerPatternCache cache)
    {
        var markers = cache.For(dimensions);
        var found = markers.Find(document.Text);
        var scores = new List<LexiconScore>(dimensions.Count);
        for (var d = 0; d < dimensions.Count; d++)
        {
            var (positive, negative) = markers.Of(d);
            scores.Add(Score(dimensions[d].Name, document, notScorableReason, found.AsSpan(positive), found.AsSpan(negative)));
        }

        return scores;
    }

    internal static LexiconScore Score(Dimension dimension, LexiconDocument document, string notScorableReason, MarkerPatternCache? cache = null) =>
        ScoreAll([dimension], document, notScorableReason, cache ?? new MarkerPatternCache())[0];

    private static LexiconScore Score(
        string dimension,
        LexiconDocument document,
        string notScorableReason,
        ReadOnlySpan<List<(int Index, int Length)>?> positiveFound,
        ReadOnlySpan<List<(int Index, int Length)>?> negativeFound)
    {
        if (positiveFound.Length == 0)
        {
            return new LexiconScore(dimension, null, null, null, [], 0, 0, 0, 0, notScorableReason);
        }

        var positiveSpans = Spans.Of(positiveFound);
        var negativeSpans = Spans.Of(negativeFound);
        var positiveMatches = Outside(positiveFound, negativeSpans);
        var negativeMatches = Outside(negativeFound, positiveSpans);

        var hitsP = positiveMatches.Sum(m => m.Count);
        var hitsN = negativeMatches.Sum(m => m.Count);
        var distinctP = positiveMatches.Count(m => m.Count > 0);
        var distinctN = negativeMatches.Count(m => m.Count > 0);

        var words = Math.Max(1, document.WordCount);
        var density = 1000.0 * hitsP / words;
        var salience = 1 - Math.Exp(-density / DensityScale);
        var share = hitsP == 0 ? 0 : (double)hitsP / (hitsP + hitsN);
        var raw = salience * share;
        var conflict = hitsP + hitsN == 0 ? 0 : 2.0 * Math.Min(hitsP, hitsN) / (hitsP + hitsN);
        var confidence = (0.2 + 0.8 * (1 - Math.Exp(-(distinctP + distinctN) / 3.0))) * (1 - 0.5 * conflict);

        var matchIndexes = positiveMatches.SelectMany(m => m).OrderBy(m => m.Index).ToList();
        return new LexiconScore(
            dimension,
            Clean(raw),
            Clean(salience),
            Clean(confidence),
            Evidence(document, matchIndexes),
            hitsP,
            hitsN,
            distinctP,
            distinctN,
            null);
    }

    /// <summary>Each marker's matches that no longer match of the other kind contains.</summary>
    private static List<List<(int Index, int Length)>> Outside(ReadOnlySpan<List<(int Index, int Length)>?> found, Spans other)
    {
        var kept = new List<List<(int Index, int Length)>>(found.Length);
        foreach (var matches in found)
        {
            kept.Add(matches is null ? [] : [.. matches.Where(m => !other.ContainsLonger(m.Index, m.Length))]);
        }

        return kept;
    }

    /// <summary>
    /// The matches of one kind, sorted by start, with the furthest end reached so far: whether one of them strictly
    /// contains a span is two binary searches, not a scan of them all ("fear" inside the counter-marker "nothing to
    /// fear" is counter-evidence, not evidence: the longer phrase decides). Scanning made a 2 MB document of marker
    /// words quadratic (170 s).
    /// </summary>
    private sealed class Spans
    {
        private readonly (int Start, int End)[] _sorted;
        private readonly int[] _furthestEnd;

        private Spans((int Start, int End)[] sorted)
        {
            _sorted = sorted;
            _furthestEnd = new int[sorted.Length];
            for (var i = 0; i < sorted.Length; i++)
            {
                _furthestEnd[i] = Math.Max(sorted[i].End, i > 0 ? _furthestEnd[i - 1] : int.MinValue);
            }
        }

        public static Spans Of(ReadOnlySpan<List<(int Index, int Length)>?> matches)
        {
            var spans = new List<(int Start, int End)>();
            foreach (var list in matches)
            {
                foreach (var (index, length) in list ?? [])
                {
                    spans.Add((index, index + length));
                }
            }

            var sorted = spans.ToArray();
            Array.Sort(sorted);
            return new Spans(sorted);
        }

        /// <summary>Whether a span starting before (and ending at or after) it, or at the same start and ending after it, exists.</summary>
        public bool ContainsLonger(int start, int length)
        {
            var end = start + length;
            var before = LowerBound(start, int.MinValue);
            if (before > 0 && _furthestEnd[before - 1] >= end)
            {
                return true;
            }

            // Same start: sorted by end, so the last of them reaches furthest.
            var after = LowerBound(start + 1, int.MinValue);
            return after > before && _sorted[after - 1].End > end;
        }

        private int LowerBound(int start, int end)
        {
            int low = 0, high = _sorted.Length;
            while (low < high)
            {
                var middle = (low + high) >>> 1;
                if (_sorted[middle].CompareTo((start, end)) < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            return low;
        }
    }

    private static double Clean(double value) => Math.Round(Math.Clamp(value, 0, 1), 4, MidpointRounding.AwayFromZero);

    /// <summary>A marker's words, without surrounding quotation marks and trailing punctuation; none for an empty marker.</summary>
    internal static List<string> MarkerWords(string marker)
    {
        var trimmed = marker.Trim().Trim('"', '\'', '“', '”', '‘', '’', '«', '»').TrimEnd('.', ',', ';', ':', '!', '?').Trim();
        return trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    /// <summary>
    /// The regex of a marker (with <see cref="MarkerPatternCache.Options"/>): its words on word boundaries, separated
    /// by any run of white space, apostrophes and dashes of any kind.
    /// </summary>
    internal static string MarkerPattern(IReadOnlyList<string> words) =>
        @"(?<![\p{L}\p{N}_])" + string.Join(@"\s+", words.Select(MarkerWordPattern)) + @"(?![\p{L}\p{N}_])";

    private static string MarkerWordPattern(string word)
    {
        var builder = new StringBuilder();
        foreach (var c in word)
        {
            builder.Append(c switch
            {
                '\'' or '’' or '‘' => "['’‘]",
                '-' or '‐' or '‑' or '–' or '—' => "[-‐‑–—]",
                _ => Regex.Escape(c.ToString()),
            });
        }

        return builder.ToString();
    }

    private static List<string> Evidence(LexiconDocument document, List<(int Index, int Length)> matches)
    {
        var text = document.Text;
        var result = new List<string>();
        var usedSentenceStarts = new HashSet<int>();
        foreach (var (index, length) in matches)
        {
            if (result.Count == MaxEvidence)
            {
                break;
            }

            var (start, end) = SentenceAround(document, index);
            if (!usedSentenceStarts.Add(start))
            {
                continue;
            }

            if (end - start > MaxEvidenceLength)
            {
                (start, end) = WindowAround(text, start, end, index, length);
            }

            var quote = WhiteSpace().Replace(text[start..end], " ").Trim();
            if (quote.Length > 0)
            {
                result.Add(quote);
            }
        }

        return result;
    }

    private static (int Start, int End) SentenceAround(LexiconDocument document, int index)
    {
        var starts = document.SentenceStarts;
        var i = starts.BinarySearch(index);
        if (i < 0)
        {
            i = ~i - 1;
        }

        return (starts[i], document.SentenceEnds[i]);
    }

    // Cut on white space so no word is split and the quote stays a verbatim substring.
    private static (int Start, int End) WindowAround(string text, int start, int end, int index, int length)
    {
        var half = Math.Max(0, (MaxEvidenceLength - length) / 2);
        var windowStart = Math.Max(start, index - half);
        var windowEnd = Math.Min(end, index + length + half);
        while (windowStart > start && windowStart < index && !char.IsWhiteSpace(text[windowStart - 1]))
        {
            windowStart++;
        }

        while (windowEnd < end && windowEnd > index + length && !char.IsWhiteSpace(text[windowEnd]))
        {
            windowEnd--;
        }

        return (windowStart, windowEnd);
    }
}
