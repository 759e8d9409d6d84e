namespace Discernus.Agents;

/// <summary>
/// Names that the maps of many analyses share (dimension, derived-metric and metadata field names), each stored once
/// and numbered: a <see cref="SharedKeyMap{TValue}"/> then holds slot numbers and values, not its own dictionary.
/// Not thread-safe; one synthesis fills it from one loop.
/// </summary>
internal sealed class SharedKeys
{
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public int Count => _names.Count;

    /// <summary>The slot of <paramref name="name"/>, numbering it if it is new.</summary>
    public int SlotOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_slots.TryGetValue(name, out var slot))
        {
            slot = _names.Count;
            _slots.Add(name, slot);
            _names.Add(name);
        }

        return slot;
    }

    /// <summary>The slot of <paramref name="name"/>, or -1 when no map has it.</summary>
    public int Find(string name) => _slots.GetValueOrDefault(name, -1);

    public string NameOf(int slot) => _names[slot];
}
