using System.Buffers.Binary;
using Discernus.Content;
using Microsoft.Win32.SafeHandles;

namespace Discernus.Artifacts;

/// <summary>
/// The entries of a sealed pack sorted by key, in <c>packs/&lt;id&gt;.keys</c> (as git's pack <c>.idx</c>), so a store
/// does not hold an entry per object in memory for the whole store: only the first four bytes of each key (4 bytes an
/// object instead of about 60), the rest read from the file when a prefix matches.
/// <para>The file: <c>DXPKEYS1</c>, the entry count (8 bytes), the count's 4-byte key prefixes, then the entries in the
/// pack index's own 56-byte layout, one per key: its latest record.
/// It is derived from the pack's index alone, written to a temporary file and renamed into place, so any writer that
/// finds it missing can write it again.</para>
/// </summary>
internal sealed class Sha256Keys : IDisposable
{
    private const int EntrySize = ArtifactPackEntry.Size;
    private const int HeaderSize = 16;
    private static readonly byte[] Magic = "DXPKEYS1"u8.ToArray();

    private readonly uint[] _prefixes;
    private readonly SafeFileHandle _file;
    private readonly long _entriesAt;

    private Sha256Keys(uint[] prefixes, SafeFileHandle file)
    {
        _prefixes = prefixes;
        _file = file;
        _entriesAt = HeaderSize + (4L * prefixes.Length);
    }

    public int Count => _prefixes.Length;

    /// <summary>Sorts <paramref name="entries"/> (index entries, in the order written) into <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<byte[]> entries)
    {
        // One entry per key, the latest (a later copy supersedes a damaged one, a later set of a ref the earlier).
        var chosen = new Dictionary<Sha256Key, byte[]>();
        foreach (var entry in entries)
        {
            var key = Sha256Key.FromBytes(entry);
            if (!chosen.TryGetValue(key, out var known) || Ticks(known) <= Ticks(entry))
            {
                chosen[key] = entry;
            }
        }

        var sorted = chosen.Values.ToArray();
        Array.Sort(sorted, static (a, b) => a.AsSpan(0, Sha256Key.Size).SequenceCompareTo(b.AsSpan(0, Sha256Key.Size)));
        var temp = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> number = stackalloc byte[8];
                stream.Write(Magic);
                BinaryPrimitives.WriteInt64LittleEndian(number, sorted.Length);
                stream.Write(number);
                foreach (var entry in sorted)
                {
                    stream.Write(entry.AsSpan(0, 4));
                }

                foreach (var entry in sorted)
                {
                    stream.Write(entry);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// Sorts a sealed pack's index into its keys file and opens it; null when it cannot be written here
    /// (a read-only store), and the caller keeps the entries in memory.
    /// </summary>
    public static Sha256Keys? TrySort(ArtifactPackFile pack)
    {
        try
        {
            Write(pack.KeysPath, pack.AllEntries());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return TryOpen(pack.KeysPath);
    }

    /// <summary>The sorted keys at <paramref name="path"/>, or null when the file is missing or not whole.</summary>
    public static Sha256Keys? TryOpen(string path)
    {
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            var count = RandomAccess.Read(file, header, 0) == HeaderSize && header[..8].SequenceEqual(Magic)
                ? BinaryPrimitives.ReadInt64LittleEndian(header[8..])
                : -1;
            if (count < 0 || count > int.MaxValue / 4 || RandomAccess.GetLength(file) != HeaderSize + (count * (4 + EntrySize)))
            {
                file.Dispose();
                return null;
            }

            var raw = ArtifactPackFile.ReadAt(file, HeaderSize, (int)(4 * count));
            if (raw.Length < 4 * count)
            {
                file.Dispose();
                return null;
            }

            var prefixes = new uint[count];
            for (var i = 0; i < prefixes.Length; i++)
            {
                prefixes[i] = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(4 * i));
            }

            return new Sha256Keys(prefixes, file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The entry of <paramref name="key"/> (56 bytes, the index's layout), or null.</summary>
    public byte[]? Find(Sha256Key key)
    {
        var prefix = (uint)(key.A >> 32);
        var at = Array.BinarySearch(_prefixes, prefix);
        if (at < 0)
        {
            return null;
        }

        // Keys sharing the prefix are neighbours: the first of them, then each in turn.
        while (at > 0 && _prefixes[at - 1] == prefix)
        {
            at--;
        }

        for (; at < _prefixes.Length && _prefixes[at] == prefix; at++)
        {
            var entry = ArtifactPackFile.ReadAt(_file, _entriesAt + ((long)at * EntrySize), EntrySize);
            if (entry.Length == EntrySize && Sha256Key.FromBytes(entry) == key)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Every entry, in key order (for counts and inspection).</summary>
    public IEnumerable<byte[]> Entries()
    {
        for (var at = 0; at < _prefixes.Length; at++)
        {
            yield return ArtifactPackFile.ReadAt(_file, _entriesAt + ((long)at * EntrySize), EntrySize);
        }
    }

    public void Dispose() => _file.Dispose();

    private static long Ticks(ReadOnlySpan<byte> entry) => ArtifactPackEntry.Ticks(entry);
}
