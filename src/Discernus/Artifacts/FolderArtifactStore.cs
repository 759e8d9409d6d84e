using Discernus.Content;

namespace Discernus.Artifacts;

/// <summary>
/// The default store: a local folder with git-style fan-out (<c>ab/cdef…</c>). Writes go to a temporary file that
/// is renamed into place, so a reader never sees a half-written object and two writers of the same content agree.
/// <para>With packing on (what <see cref="ArtifactStoreFactory"/> opens for runs), objects up to
/// <see cref="PackedObjectLimit"/> and refs are appended to a few pack files instead (<see cref="ArtifactPacks"/>): one
/// file per object cost a run more CPU in inode allocation than its analyses. Loose objects and refs written before
/// stay readable, and a loose copy is still checked first when it exists.</para>
/// </summary>
internal sealed class FolderArtifactStore : IArtifactStore, IDisposable
{
    /// <summary>Larger objects (exports) stay files of their own: they are few, and a pack would only copy them.</summary>
    public const int PackedObjectLimit = 256 * 1024;

    private readonly string _root;
    private readonly ArtifactPacks? _packs;

    public FolderArtifactStore(string root, bool pack = false)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
        _packs = pack ? new ArtifactPacks(_root) : null;
    }

    public string Description => $"folder {_root}";

    public string Identity => $"folder:{Path.TrimEndingDirectorySeparator(_root)}";

    public string Root => _root;

    public async Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var hash = Hashing.Sha256Hex(content.Span);
        var path = ObjectPath(hash);
        if (_packs is not null && content.Length <= PackedObjectLimit && !File.Exists(path))
        {
            cancellationToken.ThrowIfCancellationRequested();
            _packs.Put(hash, content.Span);
            return hash;
        }

        // An existing object is trusted only if it still hashes to its key: a damaged one is replaced by these bytes.
        if (File.Exists(path) && await Hashing.Sha256FileAsync(path, cancellationToken).ConfigureAwait(false) == hash)
        {
            return hash;
        }

        await WriteAtomicallyAsync(path, content, cancellationToken).ConfigureAwait(false);
        return hash;
    }

    public async Task<string> PutFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        // One pass: copied into the store's folder while hashed, so what lands under the key is what hashes to it.
        var temp = Path.Combine(_root, $".tmp-{Guid.NewGuid():N}");
        try
        {
            string hash;
            using (var sha = Hashing.Incremental())
            {
                await using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
                await using var copy = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await copy.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                hash = Hashing.Hex(sha);
            }

            var target = ObjectPath(hash);
            if (!File.Exists(target) || await Hashing.Sha256FileAsync(target, cancellationToken).ConfigureAwait(false) != hash)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(temp, target, overwrite: true);
            }

            return hash;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    public Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValid(hash);
        var path = ObjectPath(hash);
        cancellationToken.ThrowIfCancellationRequested();
        if (!File.Exists(path))
        {
            // A miss is the usual answer of the response cache: no exception for it.
            return Task.FromResult(_packs?.Read(hash));
        }

        try
        {
            // Synchronous: objects are small, and an asynchronous read on Linux is a thread-pool hop per call.
            return Task.FromResult<byte[]?>(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<byte[]?>(null);
        }
    }

    public async Task<bool> GetFileAsync(string hash, string path, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValid(hash);
        ArgumentNullException.ThrowIfNull(path);
        var source = ObjectPath(hash);
        if (!File.Exists(source))
        {
            // Packed objects are small (at most PackedObjectLimit): read whole.
            if (_packs?.Read(hash) is not { } packed)
            {
                return false;
            }

            await File.WriteAllBytesAsync(path, packed, cancellationToken).ConfigureAwait(false);
            return true;
        }

        try
        {
            await using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            await using var to = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            await from.CopyToAsync(to, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    public Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValid(hash);
        return Task.FromResult(File.Exists(ObjectPath(hash)) || _packs?.Contains(hash) == true);
    }

    public Task SetRefAsync(string name, string hash, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValidRef(name);
        ArtifactKeys.EnsureValid(hash);
        if (_packs is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _packs.SetRef(name, hash);
            return Task.CompletedTask;
        }

        return WriteAtomicallyAsync(RefPath(name), System.Text.Encoding.ASCII.GetBytes(hash), cancellationToken);
    }

    public async Task<string?> GetRefAsync(string name, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValidRef(name);
        var packed = _packs?.GetRef(name);
        var path = RefPath(name);
        try
        {
            // A loose ref set after the packed one (by a store without packing) wins, as the last set always does.
            if (packed is { } newer && (!File.Exists(path) || File.GetLastWriteTimeUtc(path).Ticks <= newer.Ticks))
            {
                return newer.Hash;
            }

            var value = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
            return Hashing.IsSha256Hex(value) ? value : packed?.Hash;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return packed?.Hash;
        }
    }

    /// <summary>Where a packed object's bytes are, for tests that damage them.</summary>
    internal (string Path, long Offset, int Length)? PackedLocation(string hash) => _packs?.Locate(hash);

    /// <summary>How many objects the store holds, loose and packed (refs not counted).</summary>
    internal int CountObjects() =>
        Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_root, f))
            .Count(f => !f.StartsWith("refs", StringComparison.Ordinal) && !f.StartsWith(ArtifactPacks.FolderName, StringComparison.Ordinal))
        + (_packs?.Count() ?? 0);

    /// <summary>
    /// Every stored object as its loose path would be (<c>ab/cdef…</c>), once per copy, packed or loose; and every
    /// ref name. For tests and inspection: the packs keep no list of their own.
    /// </summary>
    internal (List<string> Objects, List<string> Refs) Contents()
    {
        var files = Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_root, f).Replace('\\', '/')).ToList();
        var packed = _packs?.Records() ?? ([], []);
        return (
            [.. files.Where(f => !f.StartsWith("refs/", StringComparison.Ordinal) && !f.StartsWith(ArtifactPacks.FolderName + "/", StringComparison.Ordinal)), .. packed.Objects.Select(h => $"{h[..2]}/{h[2..]}")],
            [.. files.Where(f => f.StartsWith("refs/", StringComparison.Ordinal)).Select(f => f["refs/".Length..]), .. packed.Refs]);
    }

    public void Dispose() => _packs?.Dispose();

    internal string ObjectPath(string hash) => Path.Combine(_root, hash[..2], hash[2..]);

    private string RefPath(string name) => Path.Combine(_root, "refs", name.Replace('/', Path.DirectorySeparatorChar));

    private static async Task WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".tmp-{Guid.NewGuid():N}");
        try
        {
            // Synchronous on purpose: objects are small, and asynchronous file writes on Linux are a thread-pool hop
            // plus a flush each, which cost more than the write under many concurrent agents.
            cancellationToken.ThrowIfCancellationRequested();
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                stream.Write(content.Span);
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
}
