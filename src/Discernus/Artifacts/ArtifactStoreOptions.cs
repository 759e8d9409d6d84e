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

    /// <summary>
    /// Default location: <c>.discernus/artifacts</c> in the folder that holds the experiment folders;
    /// <c>DISCERNUS_ARTIFACTS_DIR</c> overrides it.
    /// </summary>
    public static ArtifactStoreOptions For(string experimentDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var configured = environment.GetValueOrDefault(Configuration.SettingCatalog.StoreFolderVariable);
        var folder = string.IsNullOrWhiteSpace(configured)
            ? Configuration.SettingCatalog.DefaultStoreFolderIn(Path.GetDirectoryName(Path.GetFullPath(experimentDirectory).TrimEnd(Path.DirectorySeparatorChar)) ?? ".")
            : Path.GetFullPath(configured);
        return FromEnvironment(folder, environment);
    }

    /// <summary>
    /// The backend from <c>DISCERNUS_ARTIFACT_STORE</c> with <paramref name="folderPath"/> as the folder store; for
    /// <c>s3</c> the <c>DISCERNUS_S3_*</c> variables must be complete and well-formed
    /// (<see cref="ArtifactStoreConfigurationException"/> naming each one that is not).
    /// </summary>
    public static ArtifactStoreOptions FromEnvironment(string folderPath, IReadOnlyDictionary<string, string?> environment)
    {
        var backend = environment.GetValueOrDefault(BackendVariable);
        var options = new ArtifactStoreOptions { FolderPath = folderPath, Backend = string.IsNullOrWhiteSpace(backend) ? "folder" : backend.Trim().ToLowerInvariant() };
        return options.Backend == "s3" ? options with { S3 = S3ArtifactStoreOptions.FromEnvironment(environment) } : options;
    }
}
