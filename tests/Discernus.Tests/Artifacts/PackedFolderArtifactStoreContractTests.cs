using Discernus.Artifacts;

namespace Discernus.Tests.Artifacts;

/// <summary>The store contract against the folder store as runs open it: small objects and refs in pack files.</summary>
public sealed class PackedFolderArtifactStoreContractTests : ArtifactStoreContractTests
{
    private readonly TempStoreFolder _folder = new();

    protected override string ExpectedIdentity => $"folder:{_folder.Path}";

    public override void Dispose()
    {
        base.Dispose();
        _folder.Dispose();
    }

    protected override Task<IArtifactStore> CreateStoreAsync() =>
        ArtifactStoreFactory.CreateAsync(new ArtifactStoreOptions { FolderPath = _folder.Path });

    protected override async Task DamageAsync(string hash, byte[] bytes)
    {
        using var store = new FolderArtifactStore(_folder.Path, pack: true);
        var (path, offset, length) = store.PackedLocation(hash) ?? throw new InvalidOperationException($"{hash} is not packed");
        Assert.Equal(length, bytes.Length);
        await using var pack = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        pack.Position = offset;
        await pack.WriteAsync(bytes);
    }

    protected override Task<int> CountObjectsAsync()
    {
        using var store = new FolderArtifactStore(_folder.Path, pack: true);
        return Task.FromResult(store.CountObjects());
    }
}
