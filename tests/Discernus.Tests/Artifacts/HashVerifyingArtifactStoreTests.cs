using System.Text;
using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Provenance;

namespace Discernus.Tests.Artifacts;

public sealed class HashVerifyingArtifactStoreTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Get_ReturnsTheBytes_WhenTheyMatchTheKey()
    {
        var store = new HashVerifyingArtifactStore(new FolderArtifactStore(_folder.Path));
        var content = Encoding.UTF8.GetBytes("verified");

        var hash = await store.PutAsync(content);

        Assert.Equal(content, await store.GetAsync(hash));
    }

    [Fact]
    public async Task Get_ThrowsArtifactCorrupted_WhenTheObjectWasAltered()
    {
        var inner = new FolderArtifactStore(_folder.Path);
        var store = new HashVerifyingArtifactStore(inner);
        var hash = await store.PutAsync(Encoding.UTF8.GetBytes("original content"));
        await File.WriteAllTextAsync(inner.ObjectPath(hash), "tampered content");

        var error = await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.GetAsync(hash));

        Assert.Equal(hash, error.Hash);
        Assert.Contains(Hashing.Sha256Hex("tampered content"), error.Message);
        Assert.Contains("Delete the object", error.Message);
    }

    [Fact]
    public async Task Get_ReturnsNull_WhenTheObjectIsMissing()
    {
        var store = new HashVerifyingArtifactStore(new FolderArtifactStore(_folder.Path));

        Assert.Null(await store.GetAsync(Hashing.Sha256Hex("absent")));
    }

    [Fact]
    public async Task Get_RejectsAnInvalidKey()
    {
        var store = new HashVerifyingArtifactStore(new FolderArtifactStore(_folder.Path));

        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync("not-a-hash"));
    }

    [Fact]
    public async Task Refs_PassThrough()
    {
        var store = new HashVerifyingArtifactStore(new FolderArtifactStore(_folder.Path));
        var hash = await store.PutAsync(Encoding.UTF8.GetBytes("result"));

        await store.SetRefAsync("run/latest", hash);

        Assert.Equal(hash, await store.GetRefAsync("run/latest"));
    }

    [Fact]
    public void Factory_BuildsAVerifyingFolderStore_AndRefusesUnknownBackends()
    {
        var options = Discernus.Orchestration.DiscernusSettings.From(new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = _folder.Path }).StoreFor("/tmp/experiments/nano");

        Assert.Equal(Path.GetFullPath(_folder.Path), options.FolderPath);
        Assert.IsType<HashVerifyingArtifactStore>(ArtifactStoreFactory.Create(options));
        Assert.Throws<ArtifactStoreConfigurationException>(() => ArtifactStoreFactory.Create(options with { Backend = "floppy" }));
    }

    [Fact]
    public void DefaultStoreFolder_SitsBesideTheExperimentFolders()
    {
        var options = Discernus.Orchestration.DiscernusSettings.From(new Dictionary<string, string?>()).StoreFor("/data/projects/nano/");

        Assert.Equal("/data/projects/.discernus/artifacts", options.FolderPath);
        Assert.Equal("folder", options.Backend);
    }
}
