using System.Text;
using Discernus.Models;

namespace Discernus.Application;

/// <summary>A stretch of the document text and the dimensions whose evidence covers it (none: plain text).</summary>
public sealed record TextSegment(string Text, IReadOnlyList<int> Dimensions);

/// <summary>
/// Finds where verified evidence quotes sit in the document text, with the same matching as
/// <see cref="EvidenceVerifier"/> (white space, quotation marks and dashes normalised, case ignored, an ellipsis
/// separating parts that must occur in order), and cuts the text into segments for highlighting.
/// </summary>
internal static class EvidenceHighlighter
{
    private static readonly string[] Ellipses = ["[...]", "[…]", "...", "…"];

    /// <param name="quotes">Each quote with the index of its dimension.</param>
    public static IReadOnlyList<TextSegment> Segments(string text, IEnumerable<(int Dimension, string Quote)> quotes)
    {
        var (normal, map) = NormalizeWithMap(text);
        // Per character of the original text: the dimensions covering it.
        var cover = new List<int>?[text.Length];
        foreach (var (dimension, quote) in quotes)
        {
            foreach (var (start, end) in Locate(normal, quote))
            {
                for (var i = map[start]; i < map[end - 1] + 1; i++)
                {
                    var list = cover[i] ??= [];
                    if (!list.Contains(dimension))
                    {
                        list.Add(dimension);
                    }
                }
            }
        }

        var segments = new List<TextSegment>();
        var from = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || !SameCover(cover[i], cover[from]))
            {
                segments.Add(new TextSegment(text[from..i], cover[from] is { } dims ? dims.Order().ToList() : []));
                from = i;
            }
        }

        return segments;
    }

    /// <summary>Spans of the normalised text matched by the quote's parts; empty when it does not occur.</summary>
    private static List<(int Start, int End)> Locate(string normal, string quote)
    {
        var spans = new List<(int, int)>();
        var parts = EvidenceVerifier.Normalize(quote).Split(Ellipses, StringSplitOptions.None)
            .Select(p => p.Trim().Trim('"', '\'').Trim())
            .Where(p => p.Length > 0)
            .ToList();
        if (parts.Count == 0 || !parts.Any(p => p.Any(char.IsLetterOrDigit)))
        {
            return spans;
        }

        var position = 0;
        foreach (var part in parts)
        {
            var found = normal.IndexOf(part, position, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                return [];
            }

            spans.Add((found, found + part.Length));
            position = found + part.Length;
        }

        return spans;
    }

    /// <summary>The verifier's normal form, plus for each of its characters the index of the original character it came from.</summary>
    private static (string Normal, List<int> Map) NormalizeWithMap(string text)
    {
        var builder = new StringBuilder(text.Length);
        var map = new List<int>(text.Length);
        var pendingSpace = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (builder.Length > 0 && pendingSpace < 0)
                {
                    pendingSpace = i;
                }

                continue;
            }

            if (pendingSpace >= 0)
            {
                builder.Append(' ');
                map.Add(pendingSpace);
                pendingSpace = -1;
            }

            // One character in, one out: the verifier's replacements are all single characters.
            builder.Append(EvidenceVerifier.Normalize(c.ToString()));
            map.Add(i);
        }

        return (builder.ToString(), map);
    }

    private static bool SameCover(List<int>? a, List<int>? b) =>
        (a is null || a.Count == 0) ? (b is null || b.Count == 0) : b is not null && a.Count == b.Count && a.All(b.Contains);
}
