namespace Discernus.Artifacts;

/// <summary>The one place that turns configuration into a store; every store it returns verifies hashes on read.</summary>
public static class ArtifactStoreFactory
{
    public static IArtifactStore Create(ArtifactStoreOptions options) => options.Backend switch
    {
        "folder" => new HashVerifyingArtifactStore(CreateFolder(options.FolderPath)),
        "s3" => throw new ArtifactStoreConfigurationException(
            "DISCERNUS_ARTIFACT_STORE=s3: the S3/MinIO artifact store is not built yet in this version. Unset DISCERNUS_ARTIFACT_STORE to use the local folder store."),
        _ => throw new ArtifactStoreConfigurationException(
            $"DISCERNUS_ARTIFACT_STORE='{options.Backend}' is not a known artifact store. Use 'folder' (the default)."),
    };

    private static FolderArtifactStore CreateFolder(string path)
    {
        try
        {
            var store = new FolderArtifactStore(path);
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

public sealed class ArtifactStoreConfigurationException(string message) : Exception(message);
