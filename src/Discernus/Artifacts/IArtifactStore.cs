namespace Discernus.Artifacts;

/// <summary>
/// Content-addressable storage: the key of an artifact is the lowercase hex SHA-256 of its bytes. <c>Put</c> is
/// idempotent; <c>Get</c> returns exactly the bytes that hash to the key or fails. Named references ("refs", like
/// git's) map a cache key to an artifact hash so a result whose inputs were seen before is found again.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Where the store lives, for messages; never contains credentials.</summary>
    string Description { get; }

    /// <summary>
    /// Where the objects live, stable across processes and machines and free of credentials: two stores with the same
    /// identity see the same objects; a run records it so that every worker can tell whether it reaches the run's store. <c>folder:/abs/path</c> or <c>s3:http://host:port/bucket</c>.
    /// </summary>
    string Identity { get; }

    Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the content of the file at <paramref name="path"/> as <see cref="PutAsync"/> would, read as a stream so
    /// that a large file (an export of a hundred thousand documents) is never held in memory. The file must not change
    /// while it is stored.
    /// </summary>
    Task<string> PutFileAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>The bytes stored under <paramref name="hash"/>, or null when there are none.</summary>
    Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the bytes stored under <paramref name="hash"/> to a new file at <paramref name="path"/> as a stream, so that
    /// a large artifact (an export of a hundred thousand documents) is never held in memory; false, and no file, when
    /// there are none. The counterpart of <see cref="PutFileAsync"/>.
    /// </summary>
    Task<bool> GetFileAsync(string hash, string path, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken = default);

    Task SetRefAsync(string name, string hash, CancellationToken cancellationToken = default);

    Task<string?> GetRefAsync(string name, CancellationToken cancellationToken = default);
}
