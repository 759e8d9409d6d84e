namespace Discernus.Agents;

/// <summary>
/// Names that the maps of many analyses share (dimension, derived-metric and metadata field names), each stored once
/// and numbered; a map then holds slot numbers and values, not a dictionary of its own, and maps with the same names in
/// the same order (nearly all of them) share one slot array. Not thread-safe: one synthesis fills it from one loop.
/// </summary>
internal sealed class SharedKeys
{
    // Layouts are shared only while there are few: results whose names vary without end keep their own.
    private const int MaxLayouts = 1_000;

    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly Dictionary<int[], int[]> _layouts = new(LayoutComparer.Instance);

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

    /// <summary>The slots of <paramref name="names"/> in their order, shared with every earlier map of the same names.</summary>
    public int[] Layout(IEnumerable<string> names, int count)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (count == 0)
        {
            return [];
        }

        var slots = new int[count];
        var i = 0;
        foreach (var name in names)
        {
            slots[i++] = SlotOf(name);
        }

        if (_layouts.TryGetValue(slots, out var shared))
        {
            return shared;
        }

        if (_layouts.Count < MaxLayouts)
        {
            _layouts.Add(slots, slots);
        }

        return slots;
    }

    private sealed class LayoutComparer : IEqualityComparer<int[]>
    {
        public static readonly LayoutComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obj.AsSpan()));
            return hash.ToHashCode();
        }
    }
}
