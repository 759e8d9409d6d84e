using System.Globalization;

namespace Discernus.Experiments;

/// <summary>
/// The one rule for names a researcher gives: dimensions, derived metrics, metadata keys, coders. A name is what a
/// formula can refer to (the formula language's identifiers), what a CSV header, an HTML id and a prompt's dimension list
/// can hold unquoted: an ASCII letter or underscore, then letters, digits and underscores, at most
/// <see cref="MaxLength"/> characters. So "=1+1", "a,b" and "&lt;script&gt;" are refused, and so are invisible characters
/// that reorder what is shown (U+202E, right-to-left override), which could make a name read as another.
/// </summary>
public static class NameRule
{
    public const int MaxLength = 64;

    /// <summary>The rule in words, for a finding's fix or a form's error.</summary>
    public const string Description = "an ASCII letter or underscore, then letters, digits and underscores (at most 64 characters), e.g. `moral_outrage`";

    public static bool IsValid(string? name) => Problem(name) is null;

    /// <summary>Why <paramref name="name"/> breaks the rule, or null when it follows it.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"it is {name.Length:N0} characters long, over {MaxLength}";
        }

        foreach (var c in name)
        {
            if (IsBidiControl(c))
            {
                return $"it holds the invisible direction control U+{(int)c:X4}, which reorders how text is shown";
            }
        }

        if (!(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return $"it starts with '{Shown(name[0])}'";
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return $"it holds '{Shown(c)}'";
            }
        }

        return null;
    }

    /// <summary>A name as a finding can quote it: direction controls and other invisible characters written as U+XXXX.</summary>
    public static string Printable(string name)
    {
        var text = new System.Text.StringBuilder(Math.Min(name.Length, 80));
        foreach (var c in name.Length > 80 ? name[..80] : name)
        {
            text.Append(Shown(c));
        }

        return name.Length > 80 ? text.Append('…').ToString() : text.ToString();
    }

    /// <summary>The Unicode explicit directional formatting characters (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI) and marks.</summary>
    public static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';

    private static string Shown(char c) =>
        IsBidiControl(c) || char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Surrogate
            ? $"U+{(int)c:X4}"
            : c.ToString();
}
