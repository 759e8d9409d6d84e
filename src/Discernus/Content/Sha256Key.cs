using System.Buffers.Binary;

namespace Discernus.Content;

/// <summary>
/// A SHA-256 as four numbers: an index of a million packed objects keyed by 64-character strings would cost about
/// three times the memory, and the key is compared in full, so no prefix can stand for another object.
/// </summary>
internal readonly record struct Sha256Key(ulong A, ulong B, ulong C, ulong D) : IComparable<Sha256Key>
{
    public const int Size = 32;

    public static Sha256Key FromHex(string hash)
    {
        Span<byte> raw = stackalloc byte[Size];
        Convert.FromHexString(hash, raw, out _, out _);
        return FromBytes(raw);
    }

    public static Sha256Key FromBytes(ReadOnlySpan<byte> raw) => new(
        BinaryPrimitives.ReadUInt64BigEndian(raw),
        BinaryPrimitives.ReadUInt64BigEndian(raw[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(raw[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(raw[24..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, A);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], D);
    }

    /// <summary>Orders keys as their big-endian bytes, and so as their lowercase hexadecimal texts, order.</summary>
    public int CompareTo(Sha256Key other)
    {
        var order = A.CompareTo(other.A);
        order = order != 0 ? order : B.CompareTo(other.B);
        order = order != 0 ? order : C.CompareTo(other.C);
        return order != 0 ? order : D.CompareTo(other.D);
    }

    public string ToHex()
    {
        Span<byte> raw = stackalloc byte[Size];
        Write(raw);
        return Convert.ToHexStringLower(raw);
    }
}
