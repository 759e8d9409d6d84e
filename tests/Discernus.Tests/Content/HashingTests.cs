using System.Text;
using Discernus.Content;

namespace Discernus.Tests.Content;

public sealed class HashingTests
{
    [Fact]
    public async Task Every_way_of_hashing_gives_the_same_lowercase_identity()
    {
        const string text = "Discernus\nsecond line";
        var bytes = Encoding.UTF8.GetBytes(text);
        var expected = Hashing.Sha256Hex(text);

        Assert.True(Hashing.IsSha256Hex(expected));
        Assert.Equal(expected, Hashing.Sha256Hex(bytes));
        Assert.Equal(expected, await Hashing.Sha256HexAsync(new MemoryStream(bytes)));
        using var incremental = Hashing.Incremental();
        incremental.AppendData(bytes.AsSpan(0, 4));
        incremental.AppendData(bytes.AsSpan(4));
        Assert.Equal(expected, Hashing.Hex(incremental));
    }
}
