using System.Diagnostics;
using System.Text;
using Discernus.Artifacts;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Artifacts;

/// <summary>The S3 server goes away mid-run: a short outage is waited out, a long one is a clear error in bounded time.</summary>
public sealed class S3ArtifactStoreOutageTests(S3ServerFixture server) : IClassFixture<S3ServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static ArtifactStoreOptions StoreOptions(S3ArtifactStoreOptions s3) => new() { Backend = "s3", FolderPath = "unused", S3 = s3 };

    [Fact]
    public async Task CallsMadeWhileTheServerIsDown_SucceedOnceItIsBack()
    {
        var logger = new RecordingLogger();
        using var store = (HashVerifyingArtifactStore)await ArtifactStoreFactory.CreateAsync(StoreOptions(server.Options(S3ServerFixture.NewBucketName("outage"))), logger: logger);
        var before = Encoding.UTF8.GetBytes("stored before the outage");
        var during = Encoding.UTF8.GetBytes("stored during the outage");
        var beforeHash = await store.PutAsync(before);
        await store.SetRefAsync("cache/before", beforeHash);

        await server.StopAsync();
        Task<byte[]?> get;
        Task<string> put;
        Task<string?> getRef;
        try
        {
            get = store.GetAsync(beforeHash);
            put = store.PutAsync(during);
            getRef = store.GetRefAsync("cache/before");
            await logger.FirstWarning.WaitAsync(Patience);
            Assert.False(get.IsCompleted, "a read cannot finish while the server is down");
        }
        finally
        {
            await server.StartAsync();
        }

        Assert.Equal(before, await get.WaitAsync(Patience));
        var duringHash = await put.WaitAsync(Patience);
        Assert.Equal(beforeHash, await getRef.WaitAsync(Patience));
        Assert.Equal(during, await store.GetAsync(duringHash));
        Assert.Contains(logger.Entries, e => e.Text.Contains(server.Endpoint, StringComparison.Ordinal) && e.Text.Contains("retry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServerThatStaysDown_FailsTheCallOnceTheBoundHasPassed_NamingTheEndpoint()
    {
        var bound = TimeSpan.FromSeconds(2);
        var bucket = S3ServerFixture.NewBucketName("dead");
        var logger = new RecordingLogger();
        using var store = (HashVerifyingArtifactStore)await ArtifactStoreFactory.CreateAsync(StoreOptions(server.Options(bucket, bound)), logger: logger);
        var hash = await store.PutAsync(Encoding.UTF8.GetBytes("unreachable later"));

        await server.StopAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(() => store.GetAsync(hash));
            clock.Stop();

            Assert.Contains(server.Endpoint, error.Message);
            Assert.Contains($"bucket '{bucket}'", error.Message);
            Assert.Contains("for 2 s", error.Message);
            Assert.Contains("Connection refused", error.Message);
            // It kept trying until the bound (a lower bound holds under any load), then gave up (with generous slack).
            Assert.True(clock.Elapsed >= bound * 0.9, $"gave up after {clock.Elapsed}");
            Assert.True(clock.Elapsed < bound + TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
            Assert.True(logger.Warnings >= 2, $"{logger.Warnings} retries logged");
        }
        finally
        {
            await server.StartAsync();
        }
    }
}
