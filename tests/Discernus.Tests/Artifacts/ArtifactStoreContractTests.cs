using System.Text;
using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Provenance;

namespace Discernus.Tests.Artifacts;

/// <summary>
/// What every <see cref="IArtifactStore"/> promises, run against each backend as the factory hands it out (wrapped
/// in hash verification). A subclass says how to open a store on its location and how to damage an object behind
/// the store's back.
/// </summary>
public abstract class ArtifactStoreContractTests : IDisposable
{
    private readonly List<IArtifactStore> _opened = [];

    /// <summary>The identity every store opened on this test's location must report.</summary>
    protected abstract string ExpectedIdentity { get; }

    public virtual void Dispose()
    {
        foreach (var store in _opened)
        {
            (store as IDisposable)?.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A new store instance (from <see cref="ArtifactStoreFactory"/>) over this test's objects.</summary>
    protected abstract Task<IArtifactStore> CreateStoreAsync();

    /// <summary>Replaces the stored bytes of <paramref name="hash"/> without going through the store.</summary>
    protected abstract Task DamageAsync(string hash, byte[] bytes);

    /// <summary>How many content objects (not refs) the location holds.</summary>
    protected abstract Task<int> CountObjectsAsync();

    protected async Task<IArtifactStore> OpenAsync()
    {
        var store = await CreateStoreAsync();
        _opened.Add(store);
        return store;
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A path in the temporary folder for a file a test writes or reads back; deleted at the end of the test.</summary>
    private sealed class TempFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"discernus-store-file-{Guid.NewGuid():N}");

        public void Dispose() => File.Delete(Path);
    }

    [Fact]
    public async Task Put_ReturnsTheSha256_AndGetReturnsTheSameBytes()
    {
        var store = await OpenAsync();
        var content = Bytes("I want to thank the library committee.\n");

        var hash = await store.PutAsync(content);

        Assert.Equal(Hashing.Sha256Hex(content), hash);
        Assert.Equal(content, await store.GetAsync(hash));
        Assert.True(await store.ExistsAsync(hash));
    }

    [Fact]
    public async Task BinaryContent_RoundTripsByteForByte()
    {
        var store = await OpenAsync();
        var content = new byte[1_000_000];
        new Random(42).NextBytes(content);
        Enumerable.Range(0, 256).ToList().ForEach(i => content[i] = (byte)i);

        var hash = await store.PutAsync(content);

        Assert.Equal(content, await (await OpenAsync()).GetAsync(hash));
    }

    [Fact]
    public async Task Put_IsIdempotent_OneObjectPerContent()
    {
        var store = await OpenAsync();
        var content = Bytes("same bytes");

        var first = await store.PutAsync(content);
        var second = await store.PutAsync(content);
        var third = await (await OpenAsync()).PutAsync(content);

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.Equal(1, await CountObjectsAsync());
    }

    [Fact]
    public async Task ConcurrentPutsOfTheSameContent_LeaveOneIntactObject()
    {
        var store = await OpenAsync();
        var content = Bytes(new string('x', 100_000));

        var hashes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.PutAsync(content))));

        Assert.Single(hashes.Distinct());
        Assert.Equal(1, await CountObjectsAsync());
        Assert.Equal(content, await store.GetAsync(hashes[0]));
    }

    [Fact]
    public async Task EmptyContent_IsStoredUnderTheHashOfNothing()
    {
        var store = await OpenAsync();

        var hash = await store.PutAsync(ReadOnlyMemory<byte>.Empty);

        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hash);
        Assert.Empty((await store.GetAsync(hash))!);
        Assert.True(await store.ExistsAsync(hash));
    }

    [Fact]
    public async Task Get_ReturnsNull_WhenTheObjectIsMissing()
    {
        var store = await OpenAsync();
        var absent = Hashing.Sha256Hex("never stored");

        Assert.Null(await store.GetAsync(absent));
        Assert.False(await store.ExistsAsync(absent));
    }

    [Fact]
    public async Task Objects_AreSeenByAnotherStoreOnTheSameLocation()
    {
        var hash = await (await OpenAsync()).PutAsync(Bytes("shared between processes"));

        var other = await OpenAsync();

        Assert.True(await other.ExistsAsync(hash));
        Assert.Equal("shared between processes", Encoding.UTF8.GetString((await other.GetAsync(hash))!));
    }

    [Fact]
    public async Task Refs_MapANameToAHash_AndTheLastSetWins()
    {
        var store = await OpenAsync();
        var first = await store.PutAsync(Bytes("first result"));
        var second = await store.PutAsync(Bytes("second result"));

        await store.SetRefAsync("cache/analyse_document/abc123", first);
        Assert.Equal(first, await store.GetRefAsync("cache/analyse_document/abc123"));

        await store.SetRefAsync("cache/analyse_document/abc123", second);
        Assert.Equal(second, await (await OpenAsync()).GetRefAsync("cache/analyse_document/abc123"));
        Assert.Null(await store.GetRefAsync("cache/never-set"));
    }

    [Fact]
    public async Task Refs_AreNotContentObjects()
    {
        var store = await OpenAsync();
        var hash = await store.PutAsync(Bytes("result"));

        await store.SetRefAsync("run/latest", hash);

        Assert.Equal(1, await CountObjectsAsync());
        Assert.Equal(hash, await store.GetRefAsync("run/latest"));
    }

    [Theory]
    [InlineData("ABCDEF")]
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("../../etc/passwd")]
    [InlineData("")]
    public async Task InvalidKeys_AreRejected(string key)
    {
        var store = await OpenAsync();

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
        var store = await OpenAsync();
        var hash = await store.PutAsync(Bytes("x"));

        await Assert.ThrowsAsync<ArgumentException>(() => store.SetRefAsync(name, hash));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetRefAsync(name));
    }

    [Fact]
    public async Task Get_ThrowsArtifactCorrupted_NamingTheHashAndTheStore_WhenTheObjectWasAltered()
    {
        var store = await OpenAsync();
        var hash = await store.PutAsync(Bytes("original content"));
        await DamageAsync(hash, Bytes("tampered content"));

        var error = await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.GetAsync(hash));

        Assert.Equal(hash, error.Hash);
        Assert.Contains(hash, error.Message);
        Assert.Contains(Hashing.Sha256Hex("tampered content"), error.Message);
        Assert.Contains(store.Description, error.Message);
    }

    [Fact]
    public async Task Put_ReplacesADamagedObject_WithTheRightBytes()
    {
        var store = await OpenAsync();
        var content = Bytes("original content");
        var hash = await store.PutAsync(content);
        await DamageAsync(hash, Bytes("tampered content"));

        Assert.Equal(hash, await store.PutAsync(content));

        Assert.Equal(content, await store.GetAsync(hash));
    }

    [Fact]
    public async Task Put_ReplacesAnObjectOfTheRightLengthButWrongBytes()
    {
        var store = await OpenAsync();
        var content = Bytes("abcdefgh");
        var hash = await store.PutAsync(content);
        await DamageAsync(hash, Bytes("abcdefgX"));

        await store.PutAsync(content);

        Assert.Equal(content, await store.GetAsync(hash));
    }

    [Fact]
    public async Task PutFile_StoresTheFileUnderTheHashOfItsBytes_AsPutWould()
    {
        var store = await OpenAsync();
        // Larger than any read buffer, so the file goes to the store in many pieces.
        var content = new byte[(1 << 18) + 12_345];
        new Random(7).NextBytes(content);
        using var temp = new TempFile();
        var file = temp.Path;
        await File.WriteAllBytesAsync(file, content);

        var hash = await store.PutFileAsync(file);

        Assert.Equal(Hashing.Sha256Hex(content), hash);
        Assert.Equal(content, await store.GetAsync(hash));
        Assert.Equal(hash, await store.PutAsync(content));
        Assert.Equal(hash, await store.PutFileAsync(file));
        Assert.Equal(1, await CountObjectsAsync());
    }

    [Theory]
    [InlineData(100)]
    [InlineData((1 << 18) + 12_345)]
    public async Task GetFile_WritesTheStoredBytesToTheFile_SmallAndLarge(int size)
    {
        var store = await OpenAsync();
        var content = new byte[size];
        new Random(size).NextBytes(content);
        var hash = await store.PutAsync(content);
        using var temp = new TempFile();
        var file = temp.Path;

        Assert.True(await store.GetFileAsync(hash, file));

        Assert.Equal(content, await File.ReadAllBytesAsync(file));
    }

    [Fact]
    public async Task GetFile_OfAMissingObject_IsFalse_AndWritesNoFile()
    {
        var store = await OpenAsync();
        using var temp = new TempFile();
        var file = temp.Path;

        Assert.False(await store.GetFileAsync(Hashing.Sha256Hex(Bytes("never stored")), file));

        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task GetFile_OfADamagedObject_FailsAsGetDoes_AndLeavesNoFile()
    {
        var store = await OpenAsync();
        var hash = await store.PutAsync(Bytes("abcdefgh"));
        await DamageAsync(hash, Bytes("abcdefgX"));
        using var temp = new TempFile();
        var file = temp.Path;

        await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.GetFileAsync(hash, file));

        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task PutFile_ReplacesAnObjectOfTheRightLengthButWrongBytes()
    {
        var store = await OpenAsync();
        var content = Bytes("abcdefgh");
        var hash = await store.PutAsync(content);
        await DamageAsync(hash, Bytes("abcdefgX"));
        using var temp = new TempFile();
        var file = temp.Path;
        await File.WriteAllBytesAsync(file, content);

        Assert.Equal(hash, await store.PutFileAsync(file));

        Assert.Equal(content, await store.GetAsync(hash));
    }

    [Fact]
    public async Task Identity_NamesTheLocation_AndIsTheSameForEveryStoreOnIt()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();

        Assert.Equal(ExpectedIdentity, first.Identity);
        Assert.Equal(first.Identity, second.Identity);
        Assert.DoesNotMatch(@"/$", first.Identity);
    }
}
