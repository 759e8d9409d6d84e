using System.Text.RegularExpressions;
using Discernus.Offline.Lexicon;

namespace Discernus.MiniLM;

/// <summary>
/// Cuts a document into the units the semantic model compares with each dimension: the lexicon's sentences
/// (<see cref="LexiconScorer.Prepare"/>), a sentence longer than <see cref="MaxWords"/> words or <see cref="MaxChars"/>
/// characters cut into consecutive windows on white space (so every unit is a verbatim quote, short enough to read as
/// evidence and well inside the model's 256-token window). Units with fewer than <see cref="MinWords"/> words of
/// letters or digits (headings, "Thank you.") are left out unless the document has nothing longer.
/// </summary>
internal static class SemanticUnits
{
    public const int MaxWords = 40;
    public const int MaxChars = 300;
    public const int MinWords = 3;

    private static readonly Regex Word = new(@"\S+", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));

    public static IReadOnlyList<SemanticUnit> Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var document = LexiconScorer.Prepare(text);
        var units = new List<SemanticUnit>();
        var window = new List<(int Index, int Length)>(MaxWords);
        for (var s = 0; s < document.SentenceStarts.Count; s++)
        {
            // Words are taken one at a time into a window of at most MaxWords words and MaxChars characters, so a
            // sentence of millions of words (a document on one line) never holds more than one window.
            var start = document.SentenceStarts[s];
            foreach (var word in Word.EnumerateMatches(text.AsSpan(start, document.SentenceEnds[s] - start)))
            {
                if (window.Count > 0 && (window.Count >= MaxWords || start + word.Index + word.Length - window[0].Index > MaxChars))
                {
                    Emit();
                }

                window.Add((start + word.Index, word.Length));
            }

            Emit();
        }

        var substantial = units.Where(u => u.Words >= MinWords).ToList();
        return substantial.Count > 0 ? substantial : units;

        void Emit()
        {
            if (window.Count == 0)
            {
                return;
            }

            var quote = string.Join(' ', window.Select(w => text.Substring(w.Index, w.Length)));
            var wordCount = LexiconScorer.CountWords(quote);
            if (wordCount > 0)
            {
                units.Add(new SemanticUnit(window[0].Index, window[^1].Index + window[^1].Length, quote, wordCount));
            }

            window.Clear();
        }
    }
}
