namespace Discernus.Artifacts;

/// <summary>Which store to use and where; resolved once by <see cref="ArtifactStoreFactory"/>.</summary>
internal sealed record ArtifactStoreOptions
{
    public const string BackendVariable = "DISCERNUS_ARTIFACT_STORE";

    /// <summary><c>folder</c> (default) or <c>s3</c>.</summary>
    public string Backend { get; init; } = "folder";

    public required string FolderPath { get; init; }

    /// <summary>
    /// Whether the folder store appends small objects and refs to pack files (<see cref="ArtifactPacks"/>) rather than
    /// writing a file for each: on by default, as a run would otherwise create several files per analysed document.
    /// </summary>
    public bool PackSmallObjects { get; init; } = true;

    /// <summary>The bucket and credentials when <see cref="Backend"/> is <c>s3</c>.</summary>
    public S3ArtifactStoreOptions? S3 { get; init; }
}
