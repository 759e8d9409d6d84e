using Discernus.Coordination;
using Discernus.Models;
using Discernus.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Discernus.Tests.Coordination;

/// <summary>
/// The concurrency ceiling workers learn together, on a real redis-server: an overload anywhere sets it to half of
/// what every worker had in flight, clean windows raise it by one, each worker keeps to its share, a worker that joins
/// starts at its share, and one that stops reporting stops counting.
/// </summary>
public sealed class RedisConcurrencyCeilingStoreTests(RedisServerFixture server) : IClassFixture<RedisServerFixture>
{
    private readonly RedisKeys _keys = new($"test-{Guid.NewGuid():N}:");

    [Fact]
    public async Task AnOverloadSetsTheCeilingToHalfOfWhatEveryWorkerHadInFlight_AndCleanWindowsRaiseIt()
    {
        var store = new RedisConcurrencyCeilingStore(server.Connections, _keys);

        Assert.Null((await store.ReportAsync("e", "a", 0, 8, "keep", 256)).Total);
        Assert.Null((await store.ReportAsync("e", "b", 8, 8, "clean", 256)).Total);
        Assert.Null((await store.ReportAsync("e", "c", 8, 16, "clean", 256)).Total);

        // Worker c had 16 in flight when the provider refused; a and b were allowed 8 each: 32 together was too much.
        var learnt = await store.ReportAsync("e", "c", 16, 8, "overload", 256);
        Assert.Equal(16, learnt.Total);
        Assert.Equal(3, learnt.Members);
        Assert.Equal(5, learnt.Share);

        Assert.Equal(17, (await store.ReportAsync("e", "a", 5, 6, "clean", 256)).Total);
        Assert.Equal(RedisType.Hash, await server.Connections.Database.KeyTypeAsync(_keys.RateLimit("e")));
        Assert.NotNull(await server.Connections.Database.KeyTimeToLiveAsync(_keys.RateLimit("e")));
    }

    [Fact]
    public async Task AWorkerThatJoinsLater_StartsAtItsShareOfTheLearntCeiling_NotFromAColdStart()
    {
        var store = new RedisConcurrencyCeilingStore(server.Connections, _keys);
        await store.ReportAsync("j", "first", 40, 20, "overload", 256);

        var limiter = new AdaptiveConcurrencyLimiter(256, initialConcurrency: 4);
        limiter.Share(new SharedConcurrencyCeiling(store, "j", 256, TimeProvider.System, NullLogger.Instance));

        await WaitUntilAsync(() => limiter.Limit == 10);
        Assert.False(limiter.InSlowStart);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(20, limit.Token);
        }
    }
}
