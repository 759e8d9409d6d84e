using System.Buffers.Binary;
using System.Text;
using Discernus.Content;
using Microsoft.Win32.SafeHandles;

namespace Discernus.Artifacts;

/// <summary>
/// The small objects and refs of a folder store, appended to a few pack files instead of a file each: creating a file
/// (an inode) per object was a fifth of a run's CPU (docs/benchmarks.md), and an analysis stores about six.
/// <para><c>packs/&lt;id&gt;.pack</c> holds the bytes; <c>packs/&lt;id&gt;.idx</c> one fixed-size entry per record
/// (key, offset, length, kind, time), written after the bytes, so an entry never points at bytes not yet written and
/// a torn entry at the end is simply not read. Every append holds <c>packs/&lt;id&gt;.lock</c> exclusively for just
/// that append and starts where the last whole entry's record ends, so any number of stores and processes (workers on
/// the same folder, process-isolated agents) share one pack, and what a crash left half-written is overwritten by the
/// next record. Readers see other writers' records by reading the indexes again when a key is not found.</para>
/// <para>A full pack is sealed: a last entry in its index says no record follows, and its entries are written sorted by
/// key to <c>packs/&lt;id&gt;.keys</c> (<see cref="ArtifactPackKeys"/>). Memory: an entry of about 60 bytes for each
/// object of the open packs, 4 bytes for each object of the sealed ones (a pack holds 1 GiB), instead of 60 bytes for
/// every object of the store: about 210 MB at a million analyses.</para>
/// </summary>
internal sealed class ArtifactPacks : IDisposable
{
    public const string FolderName = "packs";

    private const int EntrySize = 56;
    private const int ObjectKind = 0;
    private const int RefKind = 1;
    private const int SealKind = 2;

    // A pack stops taking records at this size, so no file grows without bound.
    private const long DefaultPackLimit = 1L << 30;

    private readonly string _folder;
    private readonly Lock _gate = new();
    private readonly List<ArtifactPackFile> _packs = [];
    private readonly Dictionary<string, int> _packNumbers = new(StringComparer.Ordinal);
    private readonly Dictionary<ArtifactPackKey, Location> _objects = [];
    private readonly Dictionary<ArtifactPackKey, Location> _refs = [];

    // Sealed packs whose sorted keys are read, newest first: an object packed twice is read from its latest copy.
    private readonly List<int> _sealed = [];
    private int? _current;
    private long _lastTicks;

    private readonly long _packLimit;

    public ArtifactPacks(string root, long packLimit = DefaultPackLimit)
    {
        _folder = Path.Combine(root, FolderName);
        _packLimit = packLimit;
    }

    // Ticks: when the record was written (UTC), strictly increasing within a writer. Of two copies of an object (a
    // damaged one put again) or two sets of a ref, the later wins, whichever packs they are in.
    private readonly record struct Location(int Pack, long Offset, int Length, long Ticks);

    /// <summary>Whether an object is packed, reading the other writers' indexes when it is not known yet.</summary>
    public bool Contains(string hash)
    {
        var key = ArtifactPackKey.FromHex(hash);
        lock (_gate)
        {
            return TryFind(key, out _) || (Refresh() && TryFind(key, out _));
        }
    }

    /// <summary>The packed bytes of <paramref name="hash"/> (cut short when the pack was), or null when it is not packed.</summary>
    public byte[]? Read(string hash, bool refresh = true)
    {
        var key = ArtifactPackKey.FromHex(hash);
        Location location;
        SafeFileHandle handle;
        lock (_gate)
        {
            if (!TryFind(key, out location) && !(refresh && Refresh() && TryFind(key, out location)))
            {
                return null;
            }

            handle = ReaderOf(location.Pack);
        }

        return ReadAt(handle, location);
    }

    /// <summary>
    /// Packs <paramref name="content"/> unless an intact copy is packed already; a damaged copy is superseded by this
    /// one (the later entry wins), as the folder store replaces a damaged file.
    /// </summary>
    public void Put(string hash, ReadOnlySpan<byte> content)
    {
        var key = ArtifactPackKey.FromHex(hash);
        lock (_gate)
        {
            if ((TryFind(key, out var known) || (Refresh() && TryFind(key, out known)))
                && Hashing.Sha256Hex(ReadAt(ReaderOf(known.Pack), known)) == hash)
            {
                return;
            }

            _objects[key] = Append(key, ObjectKind, NextTicks(), content);
        }
    }

    public void SetRef(string name, string hash)
    {
        var key = RefKey(name);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var record = new byte[ArtifactPackKey.Size + nameBytes.Length];
        ArtifactPackKey.FromHex(hash).Write(record);
        nameBytes.CopyTo(record, ArtifactPackKey.Size);
        lock (_gate)
        {
            _refs[key] = Append(key, RefKind, NextTicks(), record);
        }
    }

    /// <summary>The packed ref's target and when it was set (UTC ticks), or null; always reads the other writers' new entries first, so the last set wins.</summary>
    public (string Hash, long Ticks)? GetRef(string name)
    {
        var key = RefKey(name);
        Location found;
        SafeFileHandle handle;
        lock (_gate)
        {
            Refresh();
            if (!TryFind(key, RefKind, out found))
            {
                return null;
            }

            handle = ReaderOf(found.Pack);
        }

        var record = ReadAt(handle, found);
        return record.Length > ArtifactPackKey.Size && Encoding.UTF8.GetString(record.AsSpan(ArtifactPackKey.Size)) == name
            ? (ArtifactPackKey.FromBytes(record).ToHex(), found.Ticks)
            : null;
    }

    /// <summary>Where a packed object's bytes are, for tests that damage them behind the store's back.</summary>
    internal (string Path, long Offset, int Length)? Locate(string hash)
    {
        lock (_gate)
        {
            Refresh();
            return TryFind(ArtifactPackKey.FromHex(hash), out var location)
                ? (_packs[location.Pack].DataPath, location.Offset, location.Length)
                : null;
        }
    }

    /// <summary>How many distinct objects the packs hold.</summary>
    internal int Count()
    {
        lock (_gate)
        {
            Refresh();
            var keys = _objects.Keys.ToHashSet();
            foreach (var number in _sealed)
            {
                keys.UnionWith(_packs[number].Keys!.Entries().Where(e => KindOf(e) == ObjectKind).Select(e => ArtifactPackKey.FromBytes(e)));
            }

            return keys.Count;
        }
    }

    /// <summary>How many entries are held in memory (the open packs'), and how many sealed packs are looked up on disk.</summary>
    internal (int Entries, int SealedPacks) Memory()
    {
        lock (_gate)
        {
            Refresh();
            return (_objects.Count + _refs.Count, _sealed.Count);
        }
    }

    /// <summary>Every record the indexes list, duplicates included: objects by hash, refs by name (for tests and inspection).</summary>
    internal (List<string> Objects, List<string> Refs) Records()
    {
        var (objects, refs) = (new List<string>(), new List<string>());
        lock (_gate)
        {
            Refresh();
            for (var number = 0; number < _packs.Count; number++)
            {
                var index = File.ReadAllBytes(_packs[number].IndexPath);
                for (var at = 0; at + EntrySize <= index.Length; at += EntrySize)
                {
                    var entry = index.AsSpan(at, EntrySize);
                    if (KindOf(entry) == SealKind)
                    {
                        continue;
                    }

                    if (KindOf(entry) != RefKind)
                    {
                        objects.Add(ArtifactPackKey.FromBytes(entry).ToHex());
                        continue;
                    }

                    refs.Add(Encoding.UTF8.GetString(ReadAt(ReaderOf(number), LocationOf(number, entry)).AsSpan(ArtifactPackKey.Size)));
                }
            }
        }

        return (objects, refs);
    }

    /// <summary>Closes the open handles; a store used again opens them again (a host may hand its store on after it stopped).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var pack in _packs)
            {
                pack.Reader?.Dispose();
                pack.DataWriter?.Dispose();
                pack.IndexWriter?.Dispose();
                pack.Keys?.Dispose();
                (pack.Reader, pack.DataWriter, pack.IndexWriter, pack.Keys, pack.Sealed) = (null, null, null, null, false);
            }

            // Read again, sorted keys included, when the store is used again.
            _sealed.Clear();
            _objects.Clear();
            _refs.Clear();
            foreach (var pack in _packs)
            {
                (pack.IndexRead, pack.End, pack.Full) = (0, 0, false);
            }
        }
    }

    private static ArtifactPackKey RefKey(string name) => ArtifactPackKey.FromHex(Hashing.Sha256Hex("ref\n" + name));

    private static byte[] ReadAt(SafeFileHandle handle, Location location)
    {
        var bytes = new byte[location.Length];
        var read = 0;
        while (read < bytes.Length)
        {
            var n = RandomAccess.Read(handle, bytes.AsSpan(read), location.Offset + read);
            if (n == 0)
            {
                // A pack cut short: the caller's hash check reports the object as damaged.
                return bytes[..read];
            }

            read += n;
        }

        return bytes;
    }

    private SafeFileHandle ReaderOf(int pack)
    {
        // Never the writer's handle: a read outside the lock must survive the writer moving on to a new pack.
        return _packs[pack].Reader ??= File.OpenHandle(_packs[pack].DataPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    /// <summary>Reads the entries other writers added since the last look; true so it can sit in a condition.</summary>
    private bool Refresh()
    {
        if (!Directory.Exists(_folder))
        {
            return true;
        }

        foreach (var path in Directory.EnumerateFiles(_folder, "*.idx"))
        {
            var number = Known(Path.GetFileNameWithoutExtension(path));
            if (_packs[number].Keys is not null)
            {
                // Sealed and sorted: nothing more is ever appended to it.
                continue;
            }

            ReadIndex(number);
            if (_packs[number].Sealed)
            {
                UseSortedKeys(number);
            }
        }

        return true;
    }

    private int Known(string id)
    {
        if (!_packNumbers.TryGetValue(id, out var number))
        {
            number = _packs.Count;
            _packs.Add(new ArtifactPackFile(_folder, id));
            _packNumbers[id] = number;
        }

        return number;
    }

    private void ReadIndex(int number)
    {
        var pack = _packs[number];
        long length;
        try
        {
            length = new FileInfo(pack.IndexPath).Length;
        }
        catch (IOException)
        {
            return;
        }

        var unread = (length - pack.IndexRead) / EntrySize * EntrySize;
        if (unread <= 0)
        {
            return;
        }

        using var index = File.OpenHandle(pack.IndexPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[EntrySize * 1024];
        while (unread > 0)
        {
            var want = (int)Math.Min(buffer.Length, unread);
            var got = 0;
            while (got < want)
            {
                var n = RandomAccess.Read(index, buffer.AsSpan(got, want - got), pack.IndexRead + got);
                if (n == 0)
                {
                    break;
                }

                got += n;
            }

            got = got / EntrySize * EntrySize;
            for (var at = 0; at < got; at += EntrySize)
            {
                Index(number, buffer.AsSpan(at, EntrySize));
            }

            pack.IndexRead += got;
            unread = got < want ? 0 : unread - got;
        }
    }

    private void Index(int number, ReadOnlySpan<byte> entry)
    {
        if (KindOf(entry) == SealKind)
        {
            (_packs[number].Sealed, _packs[number].Full) = (true, true);
            return;
        }

        var key = ArtifactPackKey.FromBytes(entry);
        var location = LocationOf(number, entry);
        var pack = _packs[number];
        pack.End = Math.Max(pack.End, location.Offset + location.Length);
        var entries = KindOf(entry) == RefKind ? _refs : _objects;
        if (!entries.TryGetValue(key, out var known) || known.Ticks <= location.Ticks)
        {
            entries[key] = location;
        }
    }

    private Location Append(ArtifactPackKey key, int kind, long ticks, ReadOnlySpan<byte> record)
    {
        Span<byte> entry = stackalloc byte[EntrySize];
        while (true)
        {
            var number = _current ??= ChoosePack();
            var pack = _packs[number];
            using (Hold(pack))
            {
                // What other writers appended since the last look: this record goes after their last whole entry.
                ReadIndex(number);
                pack.IndexWriter ??= File.OpenHandle(pack.IndexPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                if (!pack.Sealed && pack.End + record.Length > _packLimit && pack.End > 0)
                {
                    // Full: sealed with a last entry, so no writer appends to it again and its keys can be sorted once.
                    entry.Clear();
                    BinaryPrimitives.WriteInt64LittleEndian(entry[32..], pack.End);
                    BinaryPrimitives.WriteInt32LittleEndian(entry[44..], SealKind);
                    RandomAccess.Write(pack.IndexWriter, entry, pack.IndexRead);
                    pack.IndexRead += EntrySize;
                    (pack.Sealed, pack.Full) = (true, true);
                }

                if (!pack.Sealed)
                {
                    var location = new Location(number, pack.End, record.Length, ticks);
                    entry.Clear();
                    key.Write(entry);
                    BinaryPrimitives.WriteInt64LittleEndian(entry[32..], location.Offset);
                    BinaryPrimitives.WriteInt32LittleEndian(entry[40..], location.Length);
                    BinaryPrimitives.WriteInt32LittleEndian(entry[44..], kind);
                    BinaryPrimitives.WriteInt64LittleEndian(entry[48..], ticks);

                    // The bytes first: a reader that sees the entry finds them complete.
                    pack.DataWriter ??= File.OpenHandle(pack.DataPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                    RandomAccess.Write(pack.DataWriter, record, location.Offset);
                    RandomAccess.Write(pack.IndexWriter, entry, pack.IndexRead);
                    pack.IndexRead += EntrySize;
                    pack.End = location.Offset + location.Length;
                    return location;
                }
            }

            // Sealed, by this writer or another: the record goes to another pack.
            _current = null;
            UseSortedKeys(number);
        }
    }

    private bool TryFind(ArtifactPackKey key, out Location location) => TryFind(key, ObjectKind, out location);

    /// <summary>The latest record of a key: among the open packs' entries and the sealed packs' sorted keys.</summary>
    private bool TryFind(ArtifactPackKey key, int kind, out Location location)
    {
        var found = (kind == RefKind ? _refs : _objects).TryGetValue(key, out location);
        foreach (var number in _sealed)
        {
            if (_packs[number].Keys!.Find(key) is { } entry && KindOf(entry) == kind && (!found || location.Ticks < TicksOf(entry)))
            {
                (location, found) = (LocationOf(number, entry), true);
            }
        }

        return found;
    }

    // Strictly increasing within a writer, so the last of two records in one tick still wins.
    private long NextTicks() => _lastTicks = Math.Max(DateTime.UtcNow.Ticks, _lastTicks + 1);

    /// <summary>
    /// Looks up a sealed pack's entries in its sorted keys from now on, writing them first when no writer has yet (the
    /// writer that sealed it writes them at once; a crash in between leaves them to the next reader), and lets go of
    /// its entries in memory.
    /// </summary>
    private void UseSortedKeys(int number)
    {
        var pack = _packs[number];
        if (pack.Keys is not null)
        {
            return;
        }

        var keys = ArtifactPackKeys.TryOpen(pack.KeysPath);
        if (keys is null)
        {
            var index = File.ReadAllBytes(pack.IndexPath);
            var entries = new List<byte[]>(index.Length / EntrySize);
            for (var at = 0; at + EntrySize <= index.Length; at += EntrySize)
            {
                if (KindOf(index.AsSpan(at, EntrySize)) != SealKind)
                {
                    entries.Add(index[at..(at + EntrySize)]);
                }
            }

            ArtifactPackKeys.Write(pack.KeysPath, entries);
            keys = ArtifactPackKeys.TryOpen(pack.KeysPath);
            if (keys is null)
            {
                return;
            }
        }

        pack.Keys = keys;
        foreach (var (key, location) in _objects)
        {
            if (location.Pack == number)
            {
                _objects.Remove(key);
            }
        }

        foreach (var (key, found) in _refs)
        {
            if (found.Pack == number)
            {
                _refs.Remove(key);
            }
        }

        _sealed.Add(number);
        _sealed.Sort((a, b) => string.CompareOrdinal(_packs[b].Id, _packs[a].Id));
    }

    private static int KindOf(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt32LittleEndian(entry[44..]);

    private static long TicksOf(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt64LittleEndian(entry[48..]);

    private static Location LocationOf(int number, ReadOnlySpan<byte> entry) =>
        new(number, BinaryPrimitives.ReadInt64LittleEndian(entry[32..]), BinaryPrimitives.ReadInt32LittleEndian(entry[40..]), TicksOf(entry));

    /// <summary>The newest pack with room left, or a new one.</summary>
    private int ChoosePack()
    {
        Directory.CreateDirectory(_folder);
        Refresh();
        var open = Enumerable.Range(0, _packs.Count).Where(n => !_packs[n].Full && _packs[n].End < _packLimit).OrderByDescending(n => _packs[n].Id, StringComparer.Ordinal).ToList();
        if (open.Count > 0)
        {
            return open[0];
        }

        var number = Known($"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}");
        var pack = _packs[number];
        // The data before the index: an index, once listed, always has its data file.
        File.OpenHandle(pack.DataPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete).Dispose();
        File.OpenHandle(pack.IndexPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete).Dispose();
        return number;
    }

    /// <summary>The pack's lock, exclusive across stores and processes, for one append; waits while another append holds it.</summary>
    private static SafeFileHandle Hold(ArtifactPackFile pack)
    {
        var deadline = Environment.TickCount64 + 30_000;
        while (true)
        {
            try
            {
                return File.OpenHandle(pack.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (Environment.TickCount64 < deadline)
            {
                Thread.Sleep(1);
            }
        }
    }
}
