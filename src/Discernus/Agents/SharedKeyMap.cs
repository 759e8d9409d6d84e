using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Discernus.Agents;

/// <summary>
/// A small read-only map whose names live in a <see cref="SharedKeys"/>: two arrays (slots and values, in the order
/// of the source) instead of a dictionary per analysis, which is what lets a synthesis keep the numbers of a hundred
/// thousand analyses. Lookups compare names ordinally, like the dictionaries the results are read into.
/// </summary>
internal sealed class SharedKeyMap<TValue> : IReadOnlyDictionary<string, TValue>
{
    private readonly SharedKeys _keys;
    private readonly int[] _slots;
    private readonly TValue[] _values;

    private SharedKeyMap(SharedKeys keys, int[] slots, TValue[] values)
    {
        _keys = keys;
        _slots = slots;
        _values = values;
    }

    public int Count => _slots.Length;

    public IEnumerable<string> Keys => _slots.Select(_keys.NameOf);

    public IEnumerable<TValue> Values => _values;

    public TValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"'{key}' is not in this map");

    public static SharedKeyMap<TValue> From<TSource>(SharedKeys keys, IReadOnlyDictionary<string, TSource> source, Func<TSource, TValue> select)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(select);
        if (source.Count == 0)
        {
            return new SharedKeyMap<TValue>(keys, [], []);
        }

        var slots = new int[source.Count];
        var values = new TValue[source.Count];
        var i = 0;
        foreach (var (name, value) in source)
        {
            slots[i] = keys.SlotOf(name);
            values[i] = select(value);
            i++;
        }

        return new SharedKeyMap<TValue>(keys, slots, values);
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            value = default;
            return false;
        }

        value = _values[index];
        return true;
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            yield return new KeyValuePair<string, TValue>(_keys.NameOf(_slots[i]), _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slot = _keys.Find(key);
        return slot < 0 ? -1 : Array.IndexOf(_slots, slot);
    }
}
