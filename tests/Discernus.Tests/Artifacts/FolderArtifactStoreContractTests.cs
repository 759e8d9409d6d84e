using Discernus.Artifacts;

namespace Discernus.Tests.Artifacts;

/// <summary>The store contract against the folder store in a temporary folder, a file per object (packing off).</summary>
public sealed class FolderArtifactStoreContractTests : ArtifactStoreContractTests
{
    private readonly TempStoreFolder _folder = new();

    protected override string ExpectedIdentity => $"folder:{_folder.Path}";

    public override void Dispose()
    {
        base.Dispose();
        _folder.Dispose();
    }

    protected override Task<IArtifactStore> CreateStoreAsync() =>
        ArtifactStoreFactory.CreateAsync(new ArtifactStoreOptions { FolderPath = _folder.Path, PackSmallObjects = false });

    protected override Task DamageAsync(string hash, byte[] bytes) =>
        File.WriteAllBytesAsync(new FolderArtifactStore(_folder.Path).ObjectPath(hash), bytes);

    protected override Task<int> CountObjectsAsync() =>
        Task.FromResult(Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories)
            .Count(f => !Path.GetRelativePath(_folder.Path, f).StartsWith("refs", StringComparison.Ordinal)));
}
