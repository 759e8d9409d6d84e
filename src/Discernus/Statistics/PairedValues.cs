using System.Buffers;

namespace Discernus.Statistics;

/// <summary>
/// Two variables' values over the observations where both are present and finite, in observation order, held in pooled
/// buffers: a synthesis correlates every pair of variables, and at 100,000 documents each pair's arrays were large
/// objects that lived for a moment. Dispose to return the buffers; the values are not to be used after that.
/// </summary>
internal sealed class PairedValues : IDisposable
{
    private double[]? _x;
    private double[]? _y;

    private PairedValues(double[] x, double[] y, int count) => (_x, _y, Count) = (x, y, count);

    public int Count { get; }

    public ArraySegment<double> X => new(_x ?? throw new ObjectDisposedException(nameof(PairedValues)), 0, Count);

    public ArraySegment<double> Y => new(_y ?? throw new ObjectDisposedException(nameof(PairedValues)), 0, Count);

    public static PairedValues Of<T>(IReadOnlyList<T> observations, Func<T, double?> first, Func<T, double?> second)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var (x, y) = (ArrayPool<double>.Shared.Rent(observations.Count), ArrayPool<double>.Shared.Rent(observations.Count));
        var count = 0;
        foreach (var observation in observations)
        {
            if (first(observation) is { } a && double.IsFinite(a) && second(observation) is { } b && double.IsFinite(b))
            {
                (x[count], y[count]) = (a, b);
                count++;
            }
        }

        return new PairedValues(x, y, count);
    }

    public void Dispose()
    {
        if (_x is not null)
        {
            ArrayPool<double>.Shared.Return(_x);
            ArrayPool<double>.Shared.Return(_y!);
            (_x, _y) = (null, null);
        }
    }
}
