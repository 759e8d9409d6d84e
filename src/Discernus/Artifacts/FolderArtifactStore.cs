using Discernus.Content;

namespace Discernus.Artifacts;

/// <summary>
/// The default store: a local folder with git-style fan-out (<c>ab/cdef…</c>). Writes go to a temporary file that
/// is renamed into place, so a reader never sees a half-written object and two writers of the same content agree.
/// </summary>
public sealed class FolderArtifactStore : IArtifactStore
{
    private readonly string _root;

    public FolderArtifactStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public string Description => $"folder {_root}";

    public string Identity => $"folder:{Path.TrimEndingDirectorySeparator(_root)}";

    public string Root => _root;

    public async Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var hash = Hashing.Sha256Hex(content.Span);
        var path = ObjectPath(hash);
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
            return Task.FromResult<byte[]?>(null);
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

    public Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValid(hash);
        return Task.FromResult(File.Exists(ObjectPath(hash)));
    }

    public Task SetRefAsync(string name, string hash, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValidRef(name);
        ArtifactKeys.EnsureValid(hash);
        return WriteAtomicallyAsync(RefPath(name), System.Text.Encoding.ASCII.GetBytes(hash), cancellationToken);
    }

    public async Task<string?> GetRefAsync(string name, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValidRef(name);
        try
        {
            var value = (await File.ReadAllTextAsync(RefPath(name), cancellationToken).ConfigureAwait(false)).Trim();
            return Hashing.IsSha256Hex(value) ? value : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

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
