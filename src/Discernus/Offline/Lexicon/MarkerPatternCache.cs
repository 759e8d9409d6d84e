using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Discernus.Offline.Lexicon;

/// <summary>Marker regexes by pattern, bounded so a long-lived worker serving many frameworks does not grow without end.</summary>
internal sealed class MarkerPatternCache
{
    private const int Limit = 4096;
    private readonly ConcurrentDictionary<string, Regex> _regexes = new(StringComparer.Ordinal);

    public Regex Get(string pattern, Func<string, Regex> create)
    {
        if (_regexes.TryGetValue(pattern, out var regex))
        {
            return regex;
        }

        if (_regexes.Count >= Limit)
        {
            _regexes.Clear();
        }

        return _regexes.GetOrAdd(pattern, create);
    }
}
