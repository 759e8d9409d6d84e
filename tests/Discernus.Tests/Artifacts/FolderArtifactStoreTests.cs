using System.Text;
using Discernus.Artifacts;
using Discernus.Provenance;

namespace Discernus.Tests.Artifacts;

public sealed class FolderArtifactStoreTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private string[] StoredFiles() => Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories);

    [Fact]
    public async Task Put_ReturnsTheSha256_AndGetReturnsTheSameBytes()
    {
        var store = new FolderArtifactStore(_folder.Path);
        var content = Bytes("I want to thank the library committee.\n");

        var hash = await store.PutAsync(content);
        var read = await store.GetAsync(hash);

        Assert.Equal(Hashing.Sha256Hex(content), hash);
        Assert.Equal(content, read);
        Assert.True(await store.ExistsAsync(hash));
    }

    [Fact]
    public async Task Put_IsIdempotent_OneObjectPerContent()
    {
        var store = new FolderArtifactStore(_folder.Path);
        var content = Bytes("same bytes");

        var first = await store.PutAsync(content);
        var second = await store.PutAsync(content);
        var third = await new FolderArtifactStore(_folder.Path).PutAsync(content);

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.Single(StoredFiles());
    }

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
    public async Task EmptyContent_IsStoredUnderTheHashOfNothing()
    {
        var store = new FolderArtifactStore(_folder.Path);

        var hash = await store.PutAsync(ReadOnlyMemory<byte>.Empty);

        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hash);
        Assert.Empty((await store.GetAsync(hash))!);
    }

    [Fact]
    public async Task Get_ReturnsNull_WhenTheObjectIsMissing()
    {
        var store = new FolderArtifactStore(_folder.Path);
        var absent = Hashing.Sha256Hex("never stored");

        Assert.Null(await store.GetAsync(absent));
        Assert.False(await store.ExistsAsync(absent));
    }

    [Fact]
    public async Task Refs_MapANameToAHash()
    {
        var store = new FolderArtifactStore(_folder.Path);
        var first = await store.PutAsync(Bytes("first result"));
        var second = await store.PutAsync(Bytes("second result"));

        await store.SetRefAsync("cache/analyse_document/abc123", first);
        Assert.Equal(first, await store.GetRefAsync("cache/analyse_document/abc123"));

        await store.SetRefAsync("cache/analyse_document/abc123", second);
        Assert.Equal(second, await new FolderArtifactStore(_folder.Path).GetRefAsync("cache/analyse_document/abc123"));
        Assert.Null(await store.GetRefAsync("cache/never-set"));
    }

    [Theory]
    [InlineData("ABCDEF")]
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("../../etc/passwd")]
    [InlineData("")]
    public async Task InvalidKeys_AreRejected(string key)
    {
        var store = new FolderArtifactStore(_folder.Path);

        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ExistsAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SetRefAsync("ok-name", key));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../b")]
    [InlineData("has space")]
    [InlineData("")]
    public async Task InvalidRefNames_AreRejected(string name)
    {
        var store = new FolderArtifactStore(_folder.Path);
        var hash = await store.PutAsync(Bytes("x"));

        await Assert.ThrowsAsync<ArgumentException>(() => store.SetRefAsync(name, hash));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetRefAsync(name));
    }
}
