using System.Text;
using Discernus.Artifacts;

namespace Discernus.Tests.Artifacts;

/// <summary>What only the folder store does; the behaviour every store shares is in <see cref="ArtifactStoreContractTests"/>.</summary>
public sealed class FolderArtifactStoreTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private string[] StoredFiles() => Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories);

    [Fact]
    public async Task ConcurrentPutsOfTheSameContent_LeaveOneObjectAndNoTemporaryFiles()
    {
        var store = new FolderArtifactStore(_folder.Path);
        var content = Bytes(new string('x', 100_000));

        var hashes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => store.PutAsync(content))));

        Assert.Single(hashes.Distinct());
        var file = Assert.Single(StoredFiles());
        Assert.Equal(content, await File.ReadAllBytesAsync(file));
    }

    [Fact]
    public async Task Objects_AreFannedOutByTheFirstTwoHexDigits()
    {
        var store = new FolderArtifactStore(_folder.Path);

        var hash = await store.PutAsync(Bytes("fan-out"));

        var file = Assert.Single(StoredFiles());
        Assert.Equal(Path.Combine(_folder.Path, hash[..2], hash[2..]), file);
        Assert.Equal(62, Path.GetFileName(file).Length);
        Assert.Equal(store.ObjectPath(hash), file);
    }

    [Fact]
    public async Task Refs_AreFilesUnderRefs()
    {
        var store = new FolderArtifactStore(_folder.Path);
        var hash = await store.PutAsync(Bytes("result"));

        await store.SetRefAsync("cache/analyse_document/abc123", hash);

        Assert.Equal(hash, await File.ReadAllTextAsync(Path.Combine(_folder.Path, "refs", "cache", "analyse_document", "abc123")));
    }

    [Fact]
    public void Identity_IsTheAbsolutePath_HoweverTheFolderWasWritten()
    {
        var store = new FolderArtifactStore(_folder.Path + Path.DirectorySeparatorChar);
        var relative = new FolderArtifactStore(Path.GetRelativePath(Directory.GetCurrentDirectory(), _folder.Path));

        Assert.Equal($"folder:{_folder.Path}", store.Identity);
        Assert.Equal(store.Identity, relative.Identity);
        Assert.Equal(store.Identity, new HashVerifyingArtifactStore(store).Identity);
    }
}
