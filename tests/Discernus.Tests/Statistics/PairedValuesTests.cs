using Discernus.Statistics;

namespace Discernus.Tests.Statistics;

public sealed class PairedValuesTests
{
    [Fact]
    public void Keeps_only_the_observations_where_both_values_are_present_and_finite_in_their_order()
    {
        (double? X, double? Y)[] observations = [(1, 10), (null, 20), (3, null), (4, double.NaN), (5, 50), (double.PositiveInfinity, 60), (7, 70)];

        using var pairs = PairedValues.Of(observations, o => o.X, o => o.Y);

        Assert.Equal(3, pairs.Count);
        Assert.Equal([1, 5, 7], pairs.X);
        Assert.Equal([10, 50, 70], pairs.Y);
    }

    [Fact]
    public void Its_values_cannot_be_read_once_the_buffers_went_back_to_the_pool()
    {
        var pairs = PairedValues.Of([(X: 1.0, Y: 2.0)], o => o.X, o => o.Y);

        pairs.Dispose();
        pairs.Dispose();

        Assert.Throws<ObjectDisposedException>(() => pairs.X);
        Assert.Throws<ObjectDisposedException>(() => pairs.Y);
    }
}
