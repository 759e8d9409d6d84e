namespace Discernus.Artifacts;

/// <summary>The one place that turns configuration into a store; every store it returns verifies hashes on read.</summary>
public static class ArtifactStoreFactory
{
    public static IArtifactStore Create(ArtifactStoreOptions options) => options.Backend switch
    {
        "folder" => new HashVerifyingArtifactStore(new FolderArtifactStore(options.FolderPath)),
        "s3" => throw new ArtifactStoreConfigurationException(
            "DISCERNUS_ARTIFACT_STORE=s3: the S3/MinIO artifact store is not built yet in this version. Unset DISCERNUS_ARTIFACT_STORE to use the local folder store."),
        _ => throw new ArtifactStoreConfigurationException(
            $"DISCERNUS_ARTIFACT_STORE='{options.Backend}' is not a known artifact store. Use 'folder' (the default)."),
    };
}

public sealed class ArtifactStoreConfigurationException(string message) : Exception(message);
