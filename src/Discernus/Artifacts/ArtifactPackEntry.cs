using System.Buffers.Binary;
using Discernus.Content;

namespace Discernus.Artifacts;

/// <summary>
/// One 56-byte entry of a pack's index (and of its sorted keys): the key (32 bytes), where the record is in the pack
/// (offset, length), its kind, and when it was written (UTC ticks).
/// </summary>
internal static class ArtifactPackEntry
{
    public const int Size = 56;
    public const int ObjectKind = 0;
    public const int RefKind = 1;

    /// <summary>The last entry of a full pack's index: no record follows.</summary>
    public const int SealKind = 2;

    public static int Kind(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt32LittleEndian(entry[44..]);

    public static long Ticks(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt64LittleEndian(entry[48..]);

    public static long Offset(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt64LittleEndian(entry[32..]);

    public static int Length(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt32LittleEndian(entry[40..]);

    public static void Write(Span<byte> entry, Sha256Key key, long offset, int length, int kind, long ticks)
    {
        entry.Clear();
        key.Write(entry);
        BinaryPrimitives.WriteInt64LittleEndian(entry[32..], offset);
        BinaryPrimitives.WriteInt32LittleEndian(entry[40..], length);
        BinaryPrimitives.WriteInt32LittleEndian(entry[44..], kind);
        BinaryPrimitives.WriteInt64LittleEndian(entry[48..], ticks);
    }
}
