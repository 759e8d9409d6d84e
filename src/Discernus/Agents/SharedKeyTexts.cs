namespace Discernus.Agents;

/// <summary>A <see cref="SharedKeyMap{TValue}"/> of strings (metadata fields and their values).</summary>
internal sealed class SharedKeyTexts : SharedKeyMap<string>
{
    private readonly string[] _values;

    private SharedKeyTexts(SharedKeys keys, int[] slots, string[] values)
        : base(keys, slots) => _values = values;

    public static SharedKeyTexts From(SharedKeys keys, IReadOnlyDictionary<string, string> source, Func<string, string> select)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(select);
        var values = new string[source.Count];
        var i = 0;
        foreach (var value in source.Values)
        {
            values[i++] = select(value);
        }

        return new SharedKeyTexts(keys, keys.Layout(source.Keys, source.Count), values);
    }

    /// <summary>Same names in the same order and the same values: one map can stand for both.</summary>
    public bool SameAs(SharedKeyTexts other) =>
        ReferenceEquals(Slots, other.Slots) && _values.AsSpan().SequenceEqual(other._values, StringComparer.Ordinal);

    public int ContentHash()
    {
        var hash = new HashCode();
        hash.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Slots));
        foreach (var value in _values)
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    internal override string ValueAt(int index) => _values[index];
}
