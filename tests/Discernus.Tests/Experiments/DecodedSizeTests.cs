using Discernus.Experiments.Pdf;

namespace Discernus.Tests.Experiments;

/// <summary>The counts that let a PDF stream be refused before it is decoded, checked against known encodings.</summary>
public sealed class DecodedSizeTests
{
    [Fact]
    public void Lzw_CountsTheSpecificationsExample()
    {
        // PDF 32000-1, 7.4.4.2: codes 256 45 258 258 65 259 66 257 decode to 45 45 45 45 45 65 45 45 45 66.
        byte[] encoded = [0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01];

        Assert.Equal(10, DecodedSize.Lzw(encoded, earlyChange: true, limit: 1_000));
    }

    [Fact]
    public void RunLength_CountsLiteralAndRepeatedRuns_AndABombPastTheLimit()
    {
        byte[] small = [2, (byte)'a', (byte)'b', (byte)'c', 255, (byte)'x', 128];
        var bomb = new byte[1_000_000];
        for (var i = 0; i < bomb.Length; i += 2)
        {
            (bomb[i], bomb[i + 1]) = (129, (byte)' ');
        }

        Assert.Equal(5, DecodedSize.RunLength(small));
        Assert.Equal(64_000_000, DecodedSize.RunLength(bomb));
    }

    [Fact]
    public void Inflated_StopsCountingPastTheLimit()
    {
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[50_000_000]);
        }

        var counted = DecodedSize.Inflated(compressed.ToArray(), limit: 1_000_000);

        Assert.InRange(counted, 1_000_001, 1_100_000);
    }
}
