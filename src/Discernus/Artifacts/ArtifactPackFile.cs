using Microsoft.Win32.SafeHandles;

namespace Discernus.Artifacts;

/// <summary>One pack of <see cref="ArtifactPacks"/>: its three files and how far its index has been read.</summary>
internal sealed class ArtifactPackFile(string folder, string id)
{
    public string DataPath { get; } = Path.Combine(folder, id + ".pack");
    public string IndexPath { get; } = Path.Combine(folder, id + ".idx");
    public string LockPath { get; } = Path.Combine(folder, id + ".lock");

    /// <summary>How much of the index has been read: whole entries only.</summary>
    public long IndexRead { get; set; }

    /// <summary>Where the last indexed record ends; bytes after it were never indexed.</summary>
    public long End { get; set; }

    public SafeFileHandle? Reader { get; set; }
}

/// <summary>The one writer of a pack: its data and index, and the lock file it holds while it lives.</summary>
internal sealed class ArtifactPackWriter(int pack, SafeFileHandle data, SafeFileHandle index, SafeFileHandle held) : IDisposable
{
    public int Pack => pack;
    public SafeFileHandle Data => data;
    public SafeFileHandle Index => index;
    public long DataLength { get; set; }
    public long IndexLength { get; set; }

    public void Dispose()
    {
        data.Dispose();
        index.Dispose();
        held.Dispose();
    }
}
