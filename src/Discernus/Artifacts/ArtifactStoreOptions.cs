namespace Discernus.Artifacts;

/// <summary>Which store to use and where; resolved once by <see cref="ArtifactStoreFactory"/>.</summary>
public sealed record ArtifactStoreOptions
{
    /// <summary><c>folder</c> (default) or <c>s3</c>.</summary>
    public string Backend { get; init; } = "folder";

    public required string FolderPath { get; init; }

    /// <summary>
    /// Default location: <c>.discernus/artifacts</c> in the folder that holds the experiment folders;
    /// <c>DISCERNUS_ARTIFACTS_DIR</c> overrides it.
    /// </summary>
    public static ArtifactStoreOptions For(string experimentDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var configured = environment.GetValueOrDefault("DISCERNUS_ARTIFACTS_DIR");
        var folder = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(experimentDirectory).TrimEnd(Path.DirectorySeparatorChar)) ?? ".", ".discernus", "artifacts")
            : Path.GetFullPath(configured);
        var backend = environment.GetValueOrDefault("DISCERNUS_ARTIFACT_STORE");
        return new ArtifactStoreOptions { FolderPath = folder, Backend = string.IsNullOrWhiteSpace(backend) ? "folder" : backend.Trim().ToLowerInvariant() };
    }
}
