using System.Buffers;
using System.IO.Compression;

namespace Discernus.Experiments.Pdf;

/// <summary>
/// How many bytes a PDF filter would produce, counted without keeping them, so that a stream is refused before it is
/// decoded into memory. Each count stops as soon as it passes its limit (the result is then only known to exceed it).
/// </summary>
internal static class DecodedSize
{
    /// <summary>FlateDecode as PdfPig reads it: a two-byte zlib header, then deflate data (a corrupt tail ends the count).</summary>
    public static long Inflated(ReadOnlySpan<byte> input, long limit)
    {
        if (input.Length < 2)
        {
            return 0;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        var copy = ArrayPool<byte>.Shared.Rent(input.Length - 2);
        try
        {
            input[2..].CopyTo(copy);
            using var deflate = new DeflateStream(new MemoryStream(copy, 0, input.Length - 2, writable: false), CompressionMode.Decompress);
            long total = 0;
            int read;
            while ((read = deflate.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    break;
                }
            }

            return total;
        }
        catch (InvalidDataException)
        {
            // PdfPig then keeps the stream undecoded: its own length is what gets used.
            return input.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// LZWDecode, counting entry lengths only: a code writes its table entry, and each code adds an entry one byte longer
    /// than the previous one, so a small input can name long entries many times (over 2,000 bytes out per 12-bit code).
    /// </summary>
    public static long Lzw(ReadOnlySpan<byte> input, bool earlyChange, long limit)
    {
        const int clearTable = 256;
        const int endOfData = 257;
        var lengths = new List<int>(4096);
        Reset(lengths);
        var offset = earlyChange ? 0 : 1;
        var codeBits = 9;
        var previous = -1;
        long bitPosition = 0;
        long total = 0;
        while (total <= limit)
        {
            var next = ReadBits(input, ref bitPosition, codeBits);
            if (next is < 0 or endOfData)
            {
                break;
            }

            if (next == clearTable)
            {
                Reset(lengths);
                previous = -1;
                codeBits = 9;
                continue;
            }

            if (next < lengths.Count)
            {
                total += lengths[next];
                if (previous >= 0)
                {
                    lengths.Add(lengths[previous] + 1);
                }
            }
            else if (previous >= 0)
            {
                var length = lengths[previous] + 1;
                total += length;
                lengths.Add(length);
            }
            else
            {
                break;
            }

            previous = next;
            codeBits = lengths.Count >= 2047 + offset ? 12 : lengths.Count >= 1023 + offset ? 11 : lengths.Count >= 511 + offset ? 10 : 9;
        }

        return total;

        static void Reset(List<int> lengths)
        {
            lengths.Clear();
            for (var i = 0; i < 256; i++)
            {
                lengths.Add(1);
            }

            lengths.Add(0);
            lengths.Add(0);
        }
    }

    /// <summary>RunLengthDecode: a length byte below 128 copies that many plus one bytes, above 128 repeats one byte 257 minus it times.</summary>
    public static long RunLength(ReadOnlySpan<byte> input)
    {
        long total = 0;
        var i = 0;
        while (i < input.Length && input[i] != 128)
        {
            var length = input[i];
            if (length <= 127)
            {
                total += length + 1;
                i += length + 2;
            }
            else
            {
                total += 257 - length;
                i += 2;
            }
        }

        return total;
    }

    private static int ReadBits(ReadOnlySpan<byte> input, ref long bitPosition, int count)
    {
        if (bitPosition + count > (long)input.Length * 8)
        {
            return -1;
        }

        var value = 0;
        for (var i = 0; i < count; i++, bitPosition++)
        {
            var bit = (input[(int)(bitPosition >> 3)] >> (7 - (int)(bitPosition & 7))) & 1;
            value = (value << 1) | bit;
        }

        return value;
    }
}
