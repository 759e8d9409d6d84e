using Discernus.Content;
using Microsoft.Win32.SafeHandles;

namespace Discernus.Artifacts;

/// <summary>
/// One pack of <see cref="ArtifactPacks"/>: its files, how far its index has been read, its open handles, and the file
/// operations on it (the lock of an append, reading the index's new entries, reading a record).
/// </summary>
internal sealed class ArtifactPackFile(string folder, string id)
{
    public string Id => id;
    public string DataPath { get; } = Path.Combine(folder, id + ".pack");
    public string IndexPath { get; } = Path.Combine(folder, id + ".idx");
    public string LockPath { get; } = Path.Combine(folder, id + ".lock");

    /// <summary>The sealed pack's entries sorted by key (<see cref="Sha256Keys"/>).</summary>
    public string KeysPath { get; } = Path.Combine(folder, id + ".keys");

    /// <summary>How much of the index has been read: whole entries only.</summary>
    public long IndexRead { get; set; }

    /// <summary>Where the last indexed record ends; bytes after it were never indexed.</summary>
    public long End { get; set; }

    /// <summary>A record did not fit: this store appends to another pack from then on.</summary>
    public bool Full { get; set; }

    /// <summary>The index ends with a seal: no record is ever appended again, and its entries can be sorted once.</summary>
    public bool Sealed { get; set; }

    /// <summary>The sealed pack's sorted entries, once read: its entries are then looked up there, not held in memory.</summary>
    public Sha256Keys? Keys { get; set; }

    /// <summary>The sorted keys could not be written here (a read-only store): the entries stay in memory.</summary>
    public bool KeysUnwritable { get; set; }

    public SafeFileHandle? Reader { get; set; }

    /// <summary>Open for appends; the lock file, not these handles, decides who appends.</summary>
    public SafeFileHandle? DataWriter { get; set; }

    public SafeFileHandle? IndexWriter { get; set; }

    /// <summary>The reading handle; never the writer's, so a read outside the store's lock survives the writer moving on to a new pack.</summary>
    public SafeFileHandle OpenReader() =>
        Reader ??= File.OpenHandle(DataPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>
    /// Up to <paramref name="most"/> whole entries written to the index since the last read (none when it cannot be
    /// read now); read in bounded chunks, so the index of a full pack is never one large buffer.
    /// </summary>
    public byte[] ReadNewEntries(int most = 1024)
    {
        long length;
        try
        {
            length = new FileInfo(IndexPath).Length;
        }
        catch (IOException)
        {
            return [];
        }

        var unread = Math.Min(length - IndexRead, (long)most * ArtifactPackEntry.Size) / ArtifactPackEntry.Size * ArtifactPackEntry.Size;
        if (unread <= 0)
        {
            return [];
        }

        using var index = File.OpenHandle(IndexPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var entries = ReadAt(index, IndexRead, (int)unread);
        var whole = entries.Length / ArtifactPackEntry.Size * ArtifactPackEntry.Size;
        IndexRead += whole;
        return whole == entries.Length ? entries : entries[..whole];
    }

    /// <summary>Every entry of the index but a seal, in the order written.</summary>
    public List<byte[]> AllEntries()
    {
        var index = File.ReadAllBytes(IndexPath);
        var entries = new List<byte[]>(index.Length / ArtifactPackEntry.Size);
        for (var at = 0; at + ArtifactPackEntry.Size <= index.Length; at += ArtifactPackEntry.Size)
        {
            if (ArtifactPackEntry.Kind(index.AsSpan(at, ArtifactPackEntry.Size)) != ArtifactPackEntry.SealKind)
            {
                entries.Add(index[at..(at + ArtifactPackEntry.Size)]);
            }
        }

        return entries;
    }

    /// <summary>Closes the handles and forgets what was read, so the pack is read again, sorted keys included, when used again.</summary>
    public void Close()
    {
        Reader?.Dispose();
        DataWriter?.Dispose();
        IndexWriter?.Dispose();
        Keys?.Dispose();
        (Reader, DataWriter, IndexWriter, Keys) = (null, null, null, null);
        (IndexRead, End, Full, Sealed, KeysUnwritable) = (0, 0, false, false, false);
    }

    /// <summary>The lock of one append, exclusive across stores and processes; waits while another append holds it.</summary>
    public SafeFileHandle Hold()
    {
        var deadline = Environment.TickCount64 + 30_000;
        while (true)
        {
            try
            {
                return File.OpenHandle(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (Environment.TickCount64 < deadline)
            {
                Thread.Sleep(1);
            }
        }
    }

    /// <summary><paramref name="length"/> bytes from <paramref name="offset"/>, fewer when the file is shorter (a pack cut short: the caller's hash check reports the object as damaged).</summary>
    public static byte[] ReadAt(SafeFileHandle handle, long offset, int length)
    {
        var bytes = new byte[length];
        var read = 0;
        while (read < bytes.Length)
        {
            var n = RandomAccess.Read(handle, bytes.AsSpan(read), offset + read);
            if (n == 0)
            {
                return bytes[..read];
            }

            read += n;
        }

        return bytes;
    }
}
