using System.Text.RegularExpressions;

namespace Discernus.Experiments;

/// <summary>
/// Recognises a note written where a formula should be: <c>[v10.1 formula]</c>, <c>&lt;to be defined&gt;</c>,
/// <c>TBD</c>. Such a metric is left out with a warning instead of blocking the experiment. Lexical on purpose, so the
/// reader decides it once for validation and for every agent that reads the framework again.
/// </summary>
internal static partial class DerivedMetricPlaceholder
{
    // Words inside one pair of brackets, with nothing a formula needs between them (no parenthesis, comma, quote,
    // operator or further bracket): a list literal or an index always has one of those, or is a single name.
    [GeneratedRegex(@"^\s*(\[[^\[\](),'""+*/<>=]*\]|<[^\[\](),'""+*/<>=]*>|\{[^\[\](){},'""+*/<>=]*\})\s*$")]
    private static partial Regex BracketedNote();

    [GeneratedRegex(@"^\s*(tbd|todo|to ?do|n/?a|none|null|\.\.\.|\?+|see .*)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Word();

    public static bool IsPlaceholder(string formula)
    {
        ArgumentNullException.ThrowIfNull(formula);
        if (Word().IsMatch(formula))
        {
            return true;
        }

        // "[hope]" is a one-element list of a name, not a note: a note has at least two words, and is no comprehension.
        if (!BracketedNote().IsMatch(formula))
        {
            return false;
        }

        var words = formula.Trim()[1..^1].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length >= 2 && !words.Contains("for", StringComparer.Ordinal);
    }
}
