using System.Text;
using Discernus.Artifacts;
using Discernus.Content;

namespace Discernus.Tests.Artifacts;

/// <summary>What only the packed folder store does: few files, shared by every writer, and what a crash left half-written overwritten.</summary>
public sealed class ArtifactPacksTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private string[] Files() => Directory.Exists(_folder.Path) ? Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories) : [];

    [Fact]
    public async Task ManySmallObjectsAndRefs_LandInOnePack()
    {
        using var store = new FolderArtifactStore(_folder.Path, pack: true);

        for (var i = 0; i < 200; i++)
        {
            var hash = await store.PutAsync(Bytes($"object {i}"));
            await store.SetRefAsync($"model-cache/{hash[..2]}/{hash}", hash);
        }

        Assert.Equal([".idx", ".lock", ".pack"], Files().Select(Path.GetExtension).Order(StringComparer.Ordinal));
        Assert.Equal(200, store.CountObjects());
        var last = Hashing.Sha256Hex("object 199");
        Assert.Equal("object 199", Encoding.UTF8.GetString((await store.GetAsync(last))!));
        Assert.Equal(last, await store.GetRefAsync($"model-cache/{last[..2]}/{last}"));
    }

    [Fact]
    public async Task LargeObjects_StayFilesOfTheirOwn()
    {
        using var store = new FolderArtifactStore(_folder.Path, pack: true);
        var content = new byte[FolderArtifactStore.PackedObjectLimit + 1];

        var hash = await store.PutAsync(content);

        Assert.True(File.Exists(store.ObjectPath(hash)));
        Assert.Equal(content, await store.GetAsync(hash));
    }

    [Fact]
    public async Task TwoLiveWriters_ShareOnePack_AndSeeEachOthersObjects()
    {
        using var first = new FolderArtifactStore(_folder.Path, pack: true);
        using var second = new FolderArtifactStore(_folder.Path, pack: true);

        var a = await first.PutAsync(Bytes("from the first"));
        var b = await second.PutAsync(Bytes("from the second"));
        var c = await first.PutAsync(Bytes("the first again"));

        Assert.Single(Files(), f => f.EndsWith(".pack", StringComparison.Ordinal));
        Assert.Equal("from the second", Encoding.UTF8.GetString((await first.GetAsync(b))!));
        Assert.Equal("from the first", Encoding.UTF8.GetString((await second.GetAsync(a))!));
        Assert.Equal("the first again", Encoding.UTF8.GetString((await second.GetAsync(c))!));
        Assert.Equal(3, second.CountObjects());
    }

    [Fact]
    public async Task AnObjectAnotherWriterPacked_IsNotPackedAgain_ByAStoreOpenedAfter_OrASecondLater()
    {
        using var first = new ArtifactPacks(_folder.Path);
        using var second = new ArtifactPacks(_folder.Path);
        var (early, late) = (Bytes("packed before the second store put anything"), Bytes("packed while the second store was in use"));
        var (earlyHash, lateHash) = (Discernus.Content.Hashing.Sha256Hex(early), Discernus.Content.Hashing.Sha256Hex(late));

        first.Put(earlyHash, early);
        // Its first put reads the other writers' indexes: the early object is known and not packed again.
        second.Put(earlyHash, early);
        first.Put(lateHash, late);
        // A put of an object it does not know reads them again once a second has passed since it last did.
        await Task.Delay(1_100);
        second.Put(lateHash, late);

        using var reader = new ArtifactPacks(_folder.Path);
        var objects = reader.Records().Objects;
        Assert.Single(objects, o => o == earlyHash);
        Assert.Single(objects, o => o == lateHash);
    }

    [Fact]
    public async Task ConcurrentWritersOnOnePack_LoseNothing()
    {
        using var first = new FolderArtifactStore(_folder.Path, pack: true);
        using var second = new FolderArtifactStore(_folder.Path, pack: true);

        var hashes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).PutAsync(Bytes($"object {i}")))));

        using var reader = new FolderArtifactStore(_folder.Path, pack: true);
        Assert.Equal(200, reader.CountObjects());
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal($"object {i}", Encoding.UTF8.GetString((await reader.GetAsync(hashes[i]))!));
        }
    }

    [Fact]
    public async Task BytesACrashLeftWithoutAnEntry_AreOverwrittenByTheNextRecord()
    {
        string kept;
        using (var ended = new FolderArtifactStore(_folder.Path, pack: true))
        {
            kept = await ended.PutAsync(Bytes("written before the crash"));
        }

        // What a crash between the bytes and their index entry leaves: bytes no entry points at.
        var pack = Assert.Single(Files(), f => f.EndsWith(".pack", StringComparison.Ordinal));
        var length = new FileInfo(pack).Length;
        await File.AppendAllTextAsync(pack, "half of a record");

        using var next = new FolderArtifactStore(_folder.Path, pack: true);
        var added = await next.PutAsync(Bytes("written after"));

        Assert.Single(Files(), f => f.EndsWith(".pack", StringComparison.Ordinal));
        await using (var stream = new FileStream(pack, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            var overwritten = new byte["written after".Length];
            stream.Position = length;
            await stream.ReadExactlyAsync(overwritten);
            Assert.Equal("written after", Encoding.UTF8.GetString(overwritten));
        }

        Assert.Equal("written before the crash", Encoding.UTF8.GetString((await next.GetAsync(kept))!));
        Assert.Equal("written after", Encoding.UTF8.GetString((await next.GetAsync(added))!));
    }

    [Fact]
    public async Task ATornIndexEntry_IsNotRead_UntilItIsWhole()
    {
        using var writer = new FolderArtifactStore(_folder.Path, pack: true);
        var hash = await writer.PutAsync(Bytes("complete"));
        var index = Assert.Single(Files(), f => f.EndsWith(".idx", StringComparison.Ordinal));
        await using (var stream = new FileStream(index, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            await stream.WriteAsync(new byte[20]);
        }

        using var reader = new FolderArtifactStore(_folder.Path, pack: true);
        Assert.Equal("complete", Encoding.UTF8.GetString((await reader.GetAsync(hash))!));
        Assert.Equal(1, reader.CountObjects());

        // The next record's entry takes the torn one's place.
        var next = await writer.PutAsync(Bytes("next"));
        Assert.Equal("next", Encoding.UTF8.GetString((await reader.GetAsync(next))!));
        Assert.Equal(2, reader.CountObjects());
        Assert.Equal(2 * 56, new FileInfo(index).Length);
    }

    [Fact]
    public async Task LooseObjectsAndRefs_WrittenWithoutPacking_StayReadable_AndALaterLooseRefWins()
    {
        string old;
        using (var loose = new FolderArtifactStore(_folder.Path))
        {
            old = await loose.PutAsync(Bytes("loose object"));
            await loose.SetRefAsync("cache/key", old);
        }

        using var packed = new FolderArtifactStore(_folder.Path, pack: true);
        Assert.Equal("loose object", Encoding.UTF8.GetString((await packed.GetAsync(old))!));
        Assert.Equal(old, await packed.GetRefAsync("cache/key"));

        var newer = await packed.PutAsync(Bytes("packed object"));
        await packed.SetRefAsync("cache/key", newer);
        Assert.Equal(newer, await packed.GetRefAsync("cache/key"));

        await Task.Delay(20);
        using (var loose = new FolderArtifactStore(_folder.Path))
        {
            await loose.SetRefAsync("cache/key", old);
        }

        Assert.Equal(old, await packed.GetRefAsync("cache/key"));
    }

    [Fact]
    public void AFullPack_IsLeftForANewOne_AndEveryObjectStaysReadable()
    {
        using var packs = new ArtifactPacks(_folder.Path, packLimit: 100);
        var hashes = Enumerable.Range(0, 10).Select(i => $"object number {i:D2} of ten, thirty bytes").Select(text =>
        {
            var hash = Hashing.Sha256Hex(text);
            packs.Put(hash, Bytes(text));
            return (hash, text);
        }).ToList();

        Assert.True(Files().Count(f => f.EndsWith(".pack", StringComparison.Ordinal)) >= 4);
        Assert.All(Files().Where(f => f.EndsWith(".pack", StringComparison.Ordinal)), f => Assert.True(new FileInfo(f).Length <= 100));
        using var reader = new ArtifactPacks(_folder.Path);
        Assert.All(hashes, h => Assert.Equal(h.text, Encoding.UTF8.GetString(reader.Read(h.hash)!)));
        Assert.Equal(10, reader.Count());
    }

    [Fact]
    public void SealedPacks_AreLookedUpInTheirSortedKeys_NotHeldInMemory_AndTheNewestRefWins()
    {
        var objects = new List<(string Hash, string Text)>();
        using (var writer = new ArtifactPacks(_folder.Path, packLimit: 400))
        {
            for (var i = 0; i < 60; i++)
            {
                var text = $"object number {i:D2} of sixty, about forty bytes";
                var hash = Hashing.Sha256Hex(text);
                writer.Put(hash, Bytes(text));
                objects.Add((hash, text));
                writer.SetRef("cache/shared", hash);
                writer.SetRef($"cache/{i}", hash);
            }
        }

        using var reader = new ArtifactPacks(_folder.Path, packLimit: 400);
        var (entries, sealedPacks) = reader.Memory();
        var packs = Files().Count(f => f.EndsWith(".pack", StringComparison.Ordinal));

        Assert.True(sealedPacks >= 5, $"{sealedPacks} sealed of {packs} packs");
        Assert.Equal(packs - 1, Files().Count(f => f.EndsWith(".keys", StringComparison.Ordinal)));
        Assert.True(entries < 20, $"{entries} entries held in memory for 180 records");
        Assert.All(objects, o => Assert.Equal(o.Text, Encoding.UTF8.GetString(reader.Read(o.Hash)!)));
        Assert.All(objects, o => Assert.True(reader.Contains(o.Hash)));
        Assert.Equal(objects[^1].Hash, reader.GetRef("cache/shared")?.Hash);
        Assert.Equal(objects[7].Hash, reader.GetRef("cache/7")?.Hash);
        Assert.Null(reader.GetRef("cache/none"));
        Assert.Null(reader.Read(Hashing.Sha256Hex("never stored")));
        Assert.Equal(60, reader.Count());
        Assert.Equal(60, reader.Records().Objects.Count);
    }

    [Fact]
    public void ASealWhoseKeysWereNeverWritten_IsSortedByTheNextReader()
    {
        var hashes = FillSmallPacks("object {0:D2}, written before a crash");

        // What a crash between the seal and its sorted keys leaves: sealed indexes without keys.
        foreach (var keys in Files().Where(f => f.EndsWith(".keys", StringComparison.Ordinal)))
        {
            File.Delete(keys);
        }

        using var reader = new ArtifactPacks(_folder.Path, packLimit: 200);

        Assert.All(hashes.Select((h, i) => (h, i)), x => Assert.Equal(Hashing.Sha256Hex(reader.Read(x.h)!), x.h));
        Assert.True(reader.Memory().SealedPacks > 0);
        Assert.Equal(Files().Count(f => f.EndsWith(".pack", StringComparison.Ordinal)) - 1, Files().Count(f => f.EndsWith(".keys", StringComparison.Ordinal)));
    }

    [Fact]
    public void ADamagedCopyInASealedPack_IsSupersededByTheNextPut()
    {
        const string text = "an object that will be damaged in its sealed pack";
        var hash = Hashing.Sha256Hex(text);
        using var packs = new ArtifactPacks(_folder.Path, packLimit: 200);
        packs.Put(hash, Bytes(text));
        for (var i = 0; i < 10; i++)
        {
            packs.Put(Hashing.Sha256Hex($"filler {i}"), Bytes($"filler {i}, enough to fill the first pack"));
        }

        var (path, offset, _) = packs.Locate(hash)!.Value;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.Position = offset;
            stream.Write(Bytes("DAMAGED"));
        }

        Assert.NotEqual(text, Encoding.UTF8.GetString(packs.Read(hash)!));
        packs.Put(hash, Bytes(text));

        Assert.Equal(text, Encoding.UTF8.GetString(packs.Read(hash)!));
        using var reader = new ArtifactPacks(_folder.Path, packLimit: 200);
        // Whichever order a reader meets the packs in, the copy written last is the one read.
        Assert.Equal(text, Encoding.UTF8.GetString(reader.Read(hash)!));
        Assert.Equal(packs.Locate(hash), reader.Locate(hash));
    }

    [Fact]
    public async Task ConcurrentWriters_FillingAndSealingPacks_LoseNothing()
    {
        using var first = new ArtifactPacks(_folder.Path, packLimit: 1000);
        using var second = new ArtifactPacks(_folder.Path, packLimit: 1000);
        var texts = Enumerable.Range(0, 300).Select(i => $"object {i:D3} from one of two writers sharing packs").ToList();

        await Task.WhenAll(texts.Select((text, i) => Task.Run(() => (i % 2 == 0 ? first : second).Put(Hashing.Sha256Hex(text), Bytes(text)))));

        using var reader = new ArtifactPacks(_folder.Path, packLimit: 1000);
        Assert.All(texts, t => Assert.Equal(t, Encoding.UTF8.GetString(reader.Read(Hashing.Sha256Hex(t))!)));
        Assert.Equal(300, reader.Count());
        Assert.True(reader.Memory().SealedPacks >= 10);
    }

    [Fact]
    public void SortedKeysThatCannotBeWritten_LeaveASealedPacksEntriesInMemory_AndEveryObjectReadable()
    {
        var hashes = FillSmallPacks("object {0:D2} in a store whose keys cannot be written");

        // Where each sorted-keys file would go, a folder: neither written nor read, as in a store this process may not write.
        foreach (var keys in Files().Where(f => f.EndsWith(".keys", StringComparison.Ordinal)))
        {
            File.Delete(keys);
            Directory.CreateDirectory(keys);
        }

        using var reader = new ArtifactPacks(_folder.Path, packLimit: 200);

        Assert.All(hashes, h => Assert.NotNull(reader.Read(h)));
        Assert.Equal((20, 0), reader.Memory());
        Assert.Equal(20, reader.Count());
    }

    [Fact]
    public void AnIndexLongerThanOneReadChunk_IsReadWhole()
    {
        using (var writer = new ArtifactPacks(_folder.Path))
        {
            for (var i = 0; i < 2500; i++)
            {
                writer.Put(Hashing.Sha256Hex($"small object {i}"), Bytes($"small object {i}"));
            }
        }

        using var reader = new ArtifactPacks(_folder.Path);

        Assert.Equal(2500, reader.Count());
        Assert.Equal("small object 2499", Encoding.UTF8.GetString(reader.Read(Hashing.Sha256Hex("small object 2499"))!));
    }

    /// <summary>Twenty objects (text from <paramref name="format"/> and their number) in packs of 200 bytes, so most are sealed; their hashes.</summary>
    private List<string> FillSmallPacks(string format)
    {
        using var writer = new ArtifactPacks(_folder.Path, packLimit: 200);
        var hashes = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, i);
            hashes.Add(Hashing.Sha256Hex(text));
            writer.Put(hashes[^1], Bytes(text));
        }

        return hashes;
    }
}
