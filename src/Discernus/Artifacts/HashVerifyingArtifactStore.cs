using Discernus.Content;

namespace Discernus.Artifacts;

/// <summary>Wraps any store so that every read is checked against its key, whatever the backend.</summary>
internal sealed class HashVerifyingArtifactStore(IArtifactStore inner) : IArtifactStore, IDisposable
{
    public string Description => inner.Description;

    public string Identity => inner.Identity;

    public Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        inner.PutAsync(content, cancellationToken);

    public Task<string> PutFileAsync(string path, CancellationToken cancellationToken = default) =>
        inner.PutFileAsync(path, cancellationToken);

    public async Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValid(hash);
        var bytes = await inner.GetAsync(hash, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        var actual = Hashing.Sha256Hex(bytes);
        return actual == hash ? bytes : throw new ArtifactCorruptedException(hash, actual, inner.Description);
    }

    public async Task<bool> GetFileAsync(string hash, string path, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.EnsureValid(hash);
        if (!await inner.GetFileAsync(hash, path, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var actual = await Hashing.Sha256FileAsync(path, cancellationToken).ConfigureAwait(false);
        if (actual != hash)
        {
            File.Delete(path);
            throw new ArtifactCorruptedException(hash, actual, inner.Description);
        }

        return true;
    }

    public Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken = default) => inner.ExistsAsync(hash, cancellationToken);

    public Task SetRefAsync(string name, string hash, CancellationToken cancellationToken = default) => inner.SetRefAsync(name, hash, cancellationToken);

    public Task<string?> GetRefAsync(string name, CancellationToken cancellationToken = default) => inner.GetRefAsync(name, cancellationToken);

    /// <summary>Releases the inner store's connections, if it holds any.</summary>
    public void Dispose() => (inner as IDisposable)?.Dispose();
}
