using Microsoft.Extensions.Logging;

namespace Discernus.Artifacts;

/// <summary>The one place that turns configuration into a store; every store it returns verifies hashes on read.</summary>
internal static class ArtifactStoreFactory
{
    /// <summary>
    /// The store, checked now: a folder must be writable; an S3 endpoint must answer, accept the credentials and have
    /// (or let us create) the bucket. Each failure is an error naming the place and the setting to fix.
    /// </summary>
    public static async Task<IArtifactStore> CreateAsync(
        ArtifactStoreOptions options, TimeProvider? timeProvider = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        if (options.Backend != "s3")
        {
            return Create(options);
        }

        var store = CreateS3(options, timeProvider, logger);
        var opened = false;
        try
        {
            await store.EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
            opened = true;
            return new HashVerifyingArtifactStore(store);
        }
        finally
        {
            if (!opened)
            {
                store.Dispose();
            }
        }
    }

    /// <summary>The store without waiting for the network: an S3 bucket is checked (and created) on first use.</summary>
    public static IArtifactStore Create(ArtifactStoreOptions options, TimeProvider? timeProvider = null, ILogger? logger = null) => options.Backend switch
    {
        "folder" => new HashVerifyingArtifactStore(CreateFolder(options.FolderPath, options.PackSmallObjects)),
        "s3" => new HashVerifyingArtifactStore(CreateS3(options, timeProvider, logger)),
        _ => throw new ArtifactStoreConfigurationException(
            $"{ArtifactStoreOptions.BackendVariable}='{options.Backend}' is not a known artifact store. Use 'folder' (the default) or 's3'."),
    };

    private static S3ArtifactStore CreateS3(ArtifactStoreOptions options, TimeProvider? timeProvider, ILogger? logger) =>
        new(options.S3 ?? throw new ArtifactStoreConfigurationException(
                $"{ArtifactStoreOptions.BackendVariable}=s3 needs {S3ArtifactStoreOptions.EndpointVariable}, {S3ArtifactStoreOptions.BucketVariable}, "
                + $"{S3ArtifactStoreOptions.AccessKeyVariable} and {S3ArtifactStoreOptions.SecretKeyVariable}: set them, or unset {ArtifactStoreOptions.BackendVariable} to use the local folder store."),
            timeProvider, logger);

    private static FolderArtifactStore CreateFolder(string path, bool pack)
    {
        try
        {
            var store = new FolderArtifactStore(path, pack);
            // Fail now, with the folder named, rather than halfway through run setup.
            var probe = Path.Combine(store.Root, $".probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return store;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArtifactStoreConfigurationException(
                $"the artifact store folder {path} cannot be used ({ex.Message}). Set DISCERNUS_ARTIFACTS_DIR to a writable folder.");
        }
    }
}

internal sealed class ArtifactStoreConfigurationException(string message) : Exception(message);
