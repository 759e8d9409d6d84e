using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Discernus.Experiments;

namespace Discernus.Offline.Lexicon;

/// <summary>
/// A lexicon client's markers, built once: one <see cref="MarkerSet"/> per framework's list of dimensions (the agent
/// hands every document of a run the same parsed framework), and the regexes that confirm each marker's candidates by
/// pattern, bounded so a long-lived worker serving many frameworks does not grow without end.
/// <para>The regexes stay interpreted: each runs only where the scan found a candidate, anchored there, so compiling
/// them (about 5 ms a marker, 0.6–1.1 s for a framework of 117 markers) would not be earned back.</para>
/// </summary>
public sealed class MarkerPatternCache
{
    public const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    private const int Limit = 4096;

    // Each match of a marker is bounded; the patterns come from a framework's text.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Regex> _patterns = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<IReadOnlyList<Dimension>, MarkerSet> _sets = [];

    internal MarkerSet For(IReadOnlyList<Dimension> dimensions) => _sets.GetValue(dimensions, d => new MarkerSet(d, Get));

    internal Regex Get(string pattern)
    {
        if (_patterns.TryGetValue(pattern, out var regex))
        {
            return regex;
        }

        if (_patterns.Count >= Limit)
        {
            _patterns.Clear();
        }

        return _patterns.GetOrAdd(pattern, p => new Regex(p, Options, MatchTimeout));
    }
}
