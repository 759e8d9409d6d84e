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
/// key to <c>packs/&lt;id&gt;.keys</c> (<see cref="Sha256Keys"/>). Memory: an entry of about 60 bytes for each
/// object of the open packs, 4 bytes for each object of the sealed ones (a pack holds 1 GiB), instead of 60 bytes for
/// every object of the store: about 210 MB at a million analyses.</para>
/// </summary>
internal sealed class ArtifactPacks : IDisposable
{
    public const string FolderName = "packs";

    private const int EntrySize = ArtifactPackEntry.Size;
    private const int ObjectKind = ArtifactPackEntry.ObjectKind;
    private const int RefKind = ArtifactPackEntry.RefKind;
    private const int SealKind = ArtifactPackEntry.SealKind;

    // How often a put of an object not yet known reads the other writers' indexes (see Put).
    private const long PutRefreshMilliseconds = 1000;

    // A pack stops taking records at this size, so no file grows without bound.
    private const long DefaultPackLimit = 1L << 30;

    private readonly string _folder;
    private readonly Lock _gate = new();
    private readonly List<ArtifactPackFile> _packs = [];
    private readonly Dictionary<string, int> _packNumbers = new(StringComparer.Ordinal);
    private readonly ArtifactPackIndex _index = new();
    private int? _current;
    private long _lastTicks;

    // When the other writers' indexes were last read (Environment.TickCount64); long.MinValue / 2: never.
    private long _lastRefresh = long.MinValue / 2;

    private readonly long _packLimit;

    public ArtifactPacks(string root, long packLimit = DefaultPackLimit)
    {
        _folder = Path.Combine(root, FolderName);
        _packLimit = packLimit;
    }

    /// <summary>Whether an object is packed, reading the other writers' indexes when it is not known yet.</summary>
    public bool Contains(string hash)
    {
        var key = Sha256Key.FromHex(hash);
        lock (_gate)
        {
            return TryFind(key, out _) || (Refresh() && TryFind(key, out _));
        }
    }

    /// <summary>The packed bytes of <paramref name="hash"/> (cut short when the pack was), or null when it is not packed.</summary>
    public byte[]? Read(string hash, bool refresh = true)
    {
        var key = Sha256Key.FromHex(hash);
        ArtifactPackLocation location;
        SafeFileHandle handle;
        lock (_gate)
        {
            if (!TryFind(key, out location) && !(refresh && Refresh() && TryFind(key, out location)))
            {
                return null;
            }

            handle = _packs[location.Pack].OpenReader();
        }

        return ArtifactPackFile.ReadAt(handle, location.Offset, location.Length);
    }

    /// <summary>
    /// Packs <paramref name="content"/> unless an intact copy is known to be packed already; a damaged copy is
    /// superseded by this one (the later entry wins), as the folder store replaces a damaged file.
    /// <para>Known means in this store's index after reading the other writers' indexes at most once a second (and on
    /// the first put): reading them for every new object, most of what a run stores, took a listing of the packs
    /// folder each time. What a second's delay can cost is a second copy of an object another process packed in that
    /// second: space only, since the latest copy is the one read. The append itself reads its pack's new entries
    /// under the pack's lock.</para>
    /// </summary>
    public void Put(string hash, ReadOnlySpan<byte> content)
    {
        var key = Sha256Key.FromHex(hash);
        lock (_gate)
        {
            if ((TryFind(key, out var known) || (Environment.TickCount64 - _lastRefresh >= PutRefreshMilliseconds && Refresh() && TryFind(key, out known)))
                && Hashing.Sha256Hex(ReadAt(known)) == hash)
            {
                return;
            }

            _index.Add(key, ObjectKind, Append(key, ObjectKind, NextTicks(), content));
        }
    }

    public void SetRef(string name, string hash)
    {
        var key = RefKey(name);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var record = new byte[Sha256Key.Size + nameBytes.Length];
        Sha256Key.FromHex(hash).Write(record);
        nameBytes.CopyTo(record, Sha256Key.Size);
        lock (_gate)
        {
            _index.Add(key, RefKind, Append(key, RefKind, NextTicks(), record));
        }
    }

    /// <summary>The packed ref's target and when it was set (UTC ticks), or null; always reads the other writers' new entries first, so the last set wins.</summary>
    public (string Hash, long Ticks)? GetRef(string name)
    {
        var key = RefKey(name);
        ArtifactPackLocation found;
        SafeFileHandle handle;
        lock (_gate)
        {
            Refresh();
            if (!_index.TryFind(key, RefKind, out found))
            {
                return null;
            }

            handle = _packs[found.Pack].OpenReader();
        }

        var record = ArtifactPackFile.ReadAt(handle, found.Offset, found.Length);
        return record.Length > Sha256Key.Size && Encoding.UTF8.GetString(record.AsSpan(Sha256Key.Size)) == name
            ? (Sha256Key.FromBytes(record).ToHex(), found.Ticks)
            : null;
    }

    /// <summary>Where a packed object's bytes are, for tests that damage them behind the store's back.</summary>
    internal (string Path, long Offset, int Length)? Locate(string hash)
    {
        lock (_gate)
        {
            Refresh();
            return TryFind(Sha256Key.FromHex(hash), out var location)
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
            return _index.CountObjects();
        }
    }

    /// <summary>How many entries are held in memory (the open packs'), and how many sealed packs are looked up on disk.</summary>
    internal (int Entries, int SealedPacks) Memory()
    {
        lock (_gate)
        {
            Refresh();
            return _index.Size;
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
                foreach (var entry in _packs[number].AllEntries())
                {
                    if (KindOf(entry) == RefKind)
                    {
                        refs.Add(Encoding.UTF8.GetString(ReadAt(ArtifactPackLocation.Of(number, entry)).AsSpan(Sha256Key.Size)));
                    }
                    else
                    {
                        objects.Add(Sha256Key.FromBytes(entry).ToHex());
                    }
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
            _packs.ForEach(pack => pack.Close());
            _index.Clear();
        }
    }

    private static Sha256Key RefKey(string name) => Sha256Key.FromHex(Hashing.Sha256Hex("ref\n" + name));

    private byte[] ReadAt(ArtifactPackLocation location) => ArtifactPackFile.ReadAt(_packs[location.Pack].OpenReader(), location.Offset, location.Length);

    /// <summary>Reads the entries other writers added since the last look; true so it can sit in a condition.</summary>
    private bool Refresh()
    {
        _lastRefresh = Environment.TickCount64;
        if (!Directory.Exists(_folder))
        {
            return true;
        }

        foreach (var path in Directory.EnumerateFiles(_folder, "*.idx"))
        {
            var number = Known(Path.GetFileNameWithoutExtension(path));
            var pack = _packs[number];
            if (pack.Keys is not null)
            {
                // Sealed and sorted: nothing more is ever appended to it.
                continue;
            }

            // Sorted keys exist only for a sealed pack: its index need not be read at all.
            if (pack.IndexRead == 0 && !pack.KeysUnwritable && Sha256Keys.TryOpen(pack.KeysPath) is { } keys)
            {
                (pack.Sealed, pack.Full) = (true, true);
                UseSortedKeys(number, keys);
                continue;
            }

            ReadIndex(number);
            if (pack.Sealed)
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
        byte[] entries;
        while ((entries = _packs[number].ReadNewEntries()).Length > 0)
        {
            for (var at = 0; at < entries.Length; at += EntrySize)
            {
                Index(number, entries.AsSpan(at, EntrySize));
            }
        }
    }

    private void Index(int number, ReadOnlySpan<byte> entry)
    {
        var pack = _packs[number];
        if (KindOf(entry) == SealKind)
        {
            (pack.Sealed, pack.Full) = (true, true);
            return;
        }

        pack.End = Math.Max(pack.End, ArtifactPackEntry.Offset(entry) + ArtifactPackEntry.Length(entry));
        _index.Add(number, entry);
    }

    private ArtifactPackLocation Append(Sha256Key key, int kind, long ticks, ReadOnlySpan<byte> record)
    {
        Span<byte> entry = stackalloc byte[EntrySize];
        while (true)
        {
            var number = _current ??= ChoosePack();
            var pack = _packs[number];
            using (pack.Hold())
            {
                // What other writers appended since the last look: this record goes after their last whole entry.
                ReadIndex(number);
                pack.IndexWriter ??= File.OpenHandle(pack.IndexPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                if (!pack.Sealed && pack.End + record.Length > _packLimit && pack.End > 0)
                {
                    // Full: sealed with a last entry, so no writer appends to it again and its keys can be sorted once.
                    ArtifactPackEntry.Write(entry, default, pack.End, 0, SealKind, 0);
                    RandomAccess.Write(pack.IndexWriter, entry, pack.IndexRead);
                    pack.IndexRead += EntrySize;
                    (pack.Sealed, pack.Full) = (true, true);
                }

                if (!pack.Sealed)
                {
                    var location = new ArtifactPackLocation(number, pack.End, record.Length, ticks);
                    ArtifactPackEntry.Write(entry, key, location.Offset, location.Length, kind, ticks);

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

    private bool TryFind(Sha256Key key, out ArtifactPackLocation location) => _index.TryFind(key, ObjectKind, out location);

    // Strictly increasing within a writer, so the last of two records in one tick still wins.
    private long NextTicks() => _lastTicks = Math.Max(DateTime.UtcNow.Ticks, _lastTicks + 1);

    /// <summary>
    /// Looks up a sealed pack's entries in its sorted keys from now on, writing them first when no writer has yet (the
    /// writer that sealed it writes them at once; a crash in between leaves them to the next reader), and lets go of
    /// its entries in memory. Where the keys cannot be written (a read-only store) the entries stay in memory.
    /// </summary>
    private void UseSortedKeys(int number, Sha256Keys? keys = null)
    {
        var pack = _packs[number];
        if (pack.Keys is not null || pack.KeysUnwritable)
        {
            return;
        }

        keys ??= Sha256Keys.TryOpen(pack.KeysPath) ?? Sha256Keys.TrySort(pack);
        if (keys is null)
        {
            pack.KeysUnwritable = true;
            return;
        }

        pack.Keys = keys;
        _index.Seal(number, keys);

        // Nothing is appended to it again.
        pack.DataWriter?.Dispose();
        pack.IndexWriter?.Dispose();
        (pack.DataWriter, pack.IndexWriter) = (null, null);
    }

    private static int KindOf(ReadOnlySpan<byte> entry) => ArtifactPackEntry.Kind(entry);

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
}
