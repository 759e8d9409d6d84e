using Discernus.Statistics;

namespace Discernus.Agents;

/// <summary>Dimension name → <see cref="DimensionValues"/> (score, salience, confidence), packed.</summary>
internal sealed class SharedKeyDimensions : SharedKeyNumbers<DimensionValues>
{
    private SharedKeyDimensions(SharedKeys keys, int[] slots, double[] numbers)
        : base(keys, slots, numbers)
    {
    }

    protected override int Width => 3;

    public static SharedKeyDimensions From(SharedKeys keys, IReadOnlyDictionary<string, DimensionScore> source)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(source);
        var numbers = new double[source.Count * 3];
        var i = 0;
        foreach (var score in source.Values)
        {
            numbers[i++] = Pack(score.Score);
            numbers[i++] = Pack(score.Salience);
            numbers[i++] = Pack(score.Confidence);
        }

        return new SharedKeyDimensions(keys, keys.Layout(source.Keys, source.Count), numbers);
    }

    internal override DimensionValues ValueAt(int index) =>
        new(Unpack(Numbers[index * Width]), Unpack(Numbers[(index * Width) + 1]), Unpack(Numbers[(index * Width) + 2]));
}
