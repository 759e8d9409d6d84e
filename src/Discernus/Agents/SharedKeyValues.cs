namespace Discernus.Agents;

/// <summary>Derived metric name → its value (null when it has none), packed.</summary>
internal sealed class SharedKeyValues : SharedKeyNumbers<double?>
{
    private SharedKeyValues(SharedKeys keys, int[] slots, double[] numbers)
        : base(keys, slots, numbers)
    {
    }

    protected override int Width => 1;

    public static SharedKeyValues From(SharedKeys keys, IReadOnlyDictionary<string, double?> source)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(source);
        var numbers = new double[source.Count];
        var i = 0;
        foreach (var value in source.Values)
        {
            numbers[i++] = Pack(value);
        }

        return new SharedKeyValues(keys, keys.Layout(source.Keys, source.Count), numbers);
    }

    internal override double? ValueAt(int index) => Unpack(Numbers[index]);
}
