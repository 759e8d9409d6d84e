using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Discernus.Agents;

/// <summary>
/// A small read-only map whose names live in a <see cref="SharedKeys"/>: a shared slot array and the values, in the
/// order of the source, instead of a dictionary per analysis; that is what lets a synthesis keep the numbers of a
/// hundred thousand analyses. Lookups compare names ordinally, like the dictionaries the results are read into.
/// Subclasses decide how the values are stored.
/// </summary>
internal abstract class SharedKeyMap<TValue> : IReadOnlyDictionary<string, TValue>
{
    private readonly SharedKeys _keys;

    protected SharedKeyMap(SharedKeys keys, int[] slots)
    {
        _keys = keys;
        Slots = slots;
    }

    public int Count => Slots.Length;

    public IEnumerable<string> Keys => Slots.Select(_keys.NameOf);

    public IEnumerable<TValue> Values => Enumerable.Range(0, Slots.Length).Select(ValueAt);

    /// <summary>The slot of each entry, in order; shared between maps of the same layout.</summary>
    internal int[] Slots { get; }

    public TValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"'{key}' is not in this map");

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            value = default;
            return false;
        }

        value = ValueAt(index);
        return true;
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
    {
        for (var i = 0; i < Slots.Length; i++)
        {
            yield return new KeyValuePair<string, TValue>(_keys.NameOf(Slots[i]), ValueAt(i));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The value of the entry at <paramref name="index"/> (0 to <see cref="Count"/> − 1).</summary>
    internal abstract TValue ValueAt(int index);

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slot = _keys.Find(key);
        return slot < 0 ? -1 : Array.IndexOf(Slots, slot);
    }
}
