using Discernus.Content;

namespace Discernus.Artifacts;

/// <summary>Where a packed record is, and when it was written (UTC ticks, strictly increasing within a writer).</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
internal readonly record struct ArtifactPackLocation(int Pack, long Offset, int Length, long Ticks)
{
    public static ArtifactPackLocation Of(int pack, ReadOnlySpan<byte> entry) =>
        new(pack, ArtifactPackEntry.Offset(entry), ArtifactPackEntry.Length(entry), ArtifactPackEntry.Ticks(entry));
}

/// <summary>
/// What a store knows of its packs' records: the entries of the open packs in memory, the sealed packs' sorted keys on
/// disk (<see cref="Sha256Keys"/>). Of two records of a key (a damaged object put again, a ref set again) the
/// later wins, whichever packs they are in and in whatever order they were read. Not thread-safe: the store's lock
/// guards it.
/// </summary>
internal sealed class ArtifactPackIndex
{
    private readonly Dictionary<Sha256Key, ArtifactPackLocation> _objects = [];
    private readonly Dictionary<Sha256Key, ArtifactPackLocation> _refs = [];
    private readonly List<(int Pack, Sha256Keys Keys)> _sealed = [];

    /// <summary>Entries held in memory (the open packs'), and sealed packs looked up on disk.</summary>
    public (int Entries, int SealedPacks) Size => (_objects.Count + _refs.Count, _sealed.Count);

    /// <summary>Takes in an entry read from a pack's index (not a seal).</summary>
    public void Add(int pack, ReadOnlySpan<byte> entry) =>
        Add(Sha256Key.FromBytes(entry), ArtifactPackEntry.Kind(entry), ArtifactPackLocation.Of(pack, entry));

    public void Add(Sha256Key key, int kind, ArtifactPackLocation location)
    {
        var entries = kind == ArtifactPackEntry.RefKind ? _refs : _objects;
        if (!entries.TryGetValue(key, out var known) || known.Ticks <= location.Ticks)
        {
            entries[key] = location;
        }
    }

    /// <summary>The latest record of a key of this kind.</summary>
    public bool TryFind(Sha256Key key, int kind, out ArtifactPackLocation location)
    {
        var found = (kind == ArtifactPackEntry.RefKind ? _refs : _objects).TryGetValue(key, out location);
        foreach (var (pack, keys) in _sealed)
        {
            if (keys.Find(key) is { } entry && ArtifactPackEntry.Kind(entry) == kind && (!found || location.Ticks < ArtifactPackEntry.Ticks(entry)))
            {
                (location, found) = (ArtifactPackLocation.Of(pack, entry), true);
            }
        }

        return found;
    }

    /// <summary>Looks up a sealed pack's records in its sorted keys from now on, and lets go of its entries in memory.</summary>
    public void Seal(int pack, Sha256Keys keys)
    {
        foreach (var entries in new[] { _objects, _refs })
        {
            foreach (var (key, location) in entries)
            {
                if (location.Pack == pack)
                {
                    entries.Remove(key);
                }
            }
        }

        _sealed.Add((pack, keys));
    }

    /// <summary>How many distinct objects are indexed (for tests and inspection: it reads every sealed key).</summary>
    public int CountObjects()
    {
        var keys = _objects.Keys.ToHashSet();
        foreach (var (_, sealedKeys) in _sealed)
        {
            keys.UnionWith(sealedKeys.Entries().Where(e => ArtifactPackEntry.Kind(e) == ArtifactPackEntry.ObjectKind).Select(e => Sha256Key.FromBytes(e)));
        }

        return keys.Count;
    }

    /// <summary>Forgets everything: the packs are read again when the store is used again.</summary>
    public void Clear()
    {
        _objects.Clear();
        _refs.Clear();
        _sealed.Clear();
    }
}
