using Microsoft.Win32.SafeHandles;

namespace Discernus.Artifacts;

/// <summary>One pack of <see cref="ArtifactPacks"/>: its files, how far its index has been read, and its open handles.</summary>
internal sealed class ArtifactPackFile(string folder, string id)
{
    public string Id => id;
    public string DataPath { get; } = Path.Combine(folder, id + ".pack");
    public string IndexPath { get; } = Path.Combine(folder, id + ".idx");
    public string LockPath { get; } = Path.Combine(folder, id + ".lock");

    /// <summary>The sealed pack's entries sorted by key (<see cref="ArtifactPackKeys"/>).</summary>
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
    public ArtifactPackKeys? Keys { get; set; }

    public SafeFileHandle? Reader { get; set; }

    /// <summary>Open for appends; the lock file, not these handles, decides who appends.</summary>
    public SafeFileHandle? DataWriter { get; set; }

    public SafeFileHandle? IndexWriter { get; set; }
}
