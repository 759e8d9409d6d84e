using System.Text.RegularExpressions;
using Discernus.Models;

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
        for (var s = 0; s < document.SentenceStarts.Count; s++)
        {
            var words = new List<Match>();
            for (var m = Word.Match(text, document.SentenceStarts[s], document.SentenceEnds[s] - document.SentenceStarts[s]); m.Success; m = m.NextMatch())
            {
                words.Add(m);
            }

            var first = 0;
            while (first < words.Count)
            {
                var last = first;
                while (last + 1 < words.Count && last + 1 - first < MaxWords
                       && words[last + 1].Index + words[last + 1].Length - words[first].Index <= MaxChars)
                {
                    last++;
                }

                var start = words[first].Index;
                var end = words[last].Index + words[last].Length;
                var quote = string.Join(' ', words.Skip(first).Take(last - first + 1).Select(w => w.Value));
                var wordCount = LexiconScorer.CountWords(quote);
                if (wordCount > 0)
                {
                    units.Add(new SemanticUnit(start, end, quote, wordCount));
                }

                first = last + 1;
            }
        }

        var substantial = units.Where(u => u.Words >= MinWords).ToList();
        return substantial.Count > 0 ? substantial : units;
    }
}
