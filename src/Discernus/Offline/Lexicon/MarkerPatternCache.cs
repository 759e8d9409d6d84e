using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Discernus.Offline.Lexicon;

/// <summary>
/// Marker regexes by pattern, bounded so a long-lived worker serving many frameworks does not grow without end.
/// <para>A marker starts interpreted and is compiled once it has scanned <see cref="CompileAfterUses"/> documents:
/// compiling costs about 5 ms per marker (0.6–1.1 s for a framework of 117 markers, measured in bench/Discernus.Bench),
/// which a run of a few documents never earns back, while an interpreted scan costs two to three times a compiled one
/// on a long corpus. Both match the same text: only the engine differs.</para>
/// </summary>
public sealed class MarkerPatternCache
{
    public const int CompileAfterUses = 100;
    public const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    private const int Limit = 4096;

    // Each match of a marker is bounded; the patterns come from a framework's text.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public Regex Get(string pattern)
    {
        if (!_entries.TryGetValue(pattern, out var entry))
        {
            if (_entries.Count >= Limit)
            {
                _entries.Clear();
            }

            entry = _entries.GetOrAdd(pattern, p => new Entry(new Regex(p, Options, MatchTimeout)));
        }

        if (Interlocked.Increment(ref entry.Uses) == CompileAfterUses)
        {
            entry.Current = new Regex(pattern, Options | RegexOptions.Compiled, MatchTimeout);
        }

        return entry.Current;
    }

    private sealed class Entry(Regex interpreted)
    {
        public int Uses;

        public volatile Regex Current = interpreted;
    }
}
