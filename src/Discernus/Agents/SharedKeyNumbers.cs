namespace Discernus.Agents;

/// <summary>
/// A <see cref="SharedKeyMap{TValue}"/> of numbers packed in one <c>double[]</c>: <see cref="Width"/> numbers per entry,
/// a missing number stored as a NaN with a payload no arithmetic produces (so a real NaN stays a NaN). A dimension's
/// score, salience and confidence take 24 bytes instead of an object and three nullable fields.
/// </summary>
internal abstract class SharedKeyNumbers<TValue> : SharedKeyMap<TValue>
{
    private static readonly long MissingBits = unchecked((long)0x7FF8_0000_D15C_0001);

    protected SharedKeyNumbers(SharedKeys keys, int[] slots, double[] numbers)
        : base(keys, slots) => Numbers = numbers;

    protected abstract int Width { get; }

    protected double[] Numbers { get; }

    protected static double Pack(double? value) => value ?? BitConverter.Int64BitsToDouble(MissingBits);

    protected static double? Unpack(double value) => BitConverter.DoubleToInt64Bits(value) == MissingBits ? null : value;
}
