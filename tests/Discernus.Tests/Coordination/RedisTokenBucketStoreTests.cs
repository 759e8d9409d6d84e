using Discernus.Coordination;
using Discernus.Models;
using Discernus.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using StackExchange.Redis;

namespace Discernus.Tests.Coordination;

/// <summary>
/// The shared model rate limits on a real redis-server: a bucket lives on the server (its clock, one Lua script per
/// operation), so two workers, each with its own connection and gateway, draw from the same allowance.
/// </summary>
public sealed class RedisTokenBucketStoreTests(RedisServerFixture server) : IClassFixture<RedisServerFixture>
{
    private static readonly TokenBucketLimit TenPerSecond = new(Capacity: 10, PerSecond: 10);

    private readonly RedisKeys _keys = new($"test-{Guid.NewGuid():N}:");

    [Fact]
    public async Task AFullBucket_GivesItsCapacity_ThenAsksToWaitForTheRefill()
    {
        var store = new RedisTokenBucketStore(server.Connections, _keys);

        Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync("b", TenPerSecond, 6));
        Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync("b", TenPerSecond, 4));

        // Five more need half a second of refill, less what trickled in since the takes.
        var wait = await store.TryTakeAsync("b", TenPerSecond, 5);
        Assert.InRange(wait, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));
        Assert.Equal(RedisType.Hash, await server.Connections.Database.KeyTypeAsync(_keys.RateLimit("b")));
        Assert.NotNull(await server.Connections.Database.KeyTimeToLiveAsync(_keys.RateLimit("b")));
    }

    [Fact]
    public async Task TwoWorkers_OnTheirOwnConnections_ShareOneBucket()
    {
        await using var other = await RedisConnections.ConnectAsync(server.ConnectionFactory);
        var workerA = new RedisTokenBucketStore(server.Connections, _keys);
        var workerB = new RedisTokenBucketStore(other, _keys);

        Assert.Equal(TimeSpan.Zero, await workerA.TryTakeAsync("shared", TenPerSecond, 10));

        Assert.True(await workerB.TryTakeAsync("shared", TenPerSecond, 5) > TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Adjust_LeavesADebtThatDelaysTheNextTake_AndRefundsStopAtCapacity()
    {
        var store = new RedisTokenBucketStore(server.Connections, _keys);
        await store.TryTakeAsync("t", TenPerSecond, 10);

        await store.AdjustAsync("t", TenPerSecond, 20);
        Assert.True(await store.TryTakeAsync("t", TenPerSecond, 1) >= TimeSpan.FromMilliseconds(1900));

        await store.AdjustAsync("t", TenPerSecond, -1000);
        Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync("t", TenPerSecond, 10));
        Assert.True(await store.TryTakeAsync("t", TenPerSecond, 1) > TimeSpan.Zero);
    }

    [Fact]
    public async Task TwoGateways_LikeTwoWorkerProcesses_ShareTheRequestsPerMinuteLimit()
    {
        await using var model = FakeModelServer.Start();
        await using var other = await RedisConnections.ConnectAsync(server.ConnectionFactory);
        var settings = ModelSettings.FromValues(new Dictionary<string, string?>
        {
            [OpenAICompatibleProvider.BaseUrlName] = model.OpenAIBaseUrl.ToString(),
            [ModelSettings.RequestsPerMinuteVariable] = "600",
        });
        using var workerA = new ModelGateway(settings, buckets: new RedisTokenBucketStore(server.Connections, _keys));
        using var workerB = new ModelGateway(settings, buckets: new RedisTokenBucketStore(other, _keys));
        using var clientA = workerA.CreateClient("openai-compatible/m");
        using var clientB = workerB.CreateClient("openai-compatible/m");
        var started = TimeProvider.System.GetTimestamp();

        await Task.WhenAll(Enumerable.Range(0, 10).SelectMany(i => new[] { clientA.GetResponseAsync($"a{i}"), clientB.GetResponseAsync($"b{i}") }));

        var elapsed = TimeProvider.System.GetElapsedTime(started);
        Assert.Equal(20, model.Requests.Count);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(900), $"20 requests took {elapsed.TotalMilliseconds:F0} ms: the workers did not share the limit");
    }
}
