using Discernus.Models;
using Microsoft.Extensions.Time.Testing;

namespace Discernus.Tests.Models;

/// <summary>The in-process token buckets behind the per-minute limits, and the limiter that waits on them, on a fake clock.</summary>
public sealed class TokenBucketTests
{
    private static readonly TokenBucketLimit TenPerSecond = new(Capacity: 10, PerSecond: 10);

    [Fact]
    public void PerMinuteLimit_HoldsOneSecondsWorth_AtLeastOne()
    {
        Assert.Equal(new TokenBucketLimit(50, 50), TokenBucketLimit.PerMinute(3000));
        Assert.Equal(1, TokenBucketLimit.PerMinute(10).Capacity);
        Assert.Equal(10 / 60.0, TokenBucketLimit.PerMinute(10).PerSecond, 9);
    }

    [Fact]
    public async Task AFullBucket_GivesItsCapacity_ThenSaysHowLongToWait()
    {
        var time = new FakeTimeProvider();
        var store = new LocalTokenBucketStore(time);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync("b", TenPerSecond, 1));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(100), await store.TryTakeAsync("b", TenPerSecond, 1));
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync("b", TenPerSecond, 1));
        // Other buckets are independent.
        Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync("other", TenPerSecond, 10));
    }

    [Fact]
    public async Task ARequestLargerThanTheBucket_GoesWhenFull_AndLeavesADebt()
    {
        var time = new FakeTimeProvider();
        var store = new LocalTokenBucketStore(time);

        Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync("t", TenPerSecond, 30));
        // 10 - 30 = -20 tokens: one more token needs 2.1 s of refill.
        Assert.Equal(TimeSpan.FromSeconds(2.1), await store.TryTakeAsync("t", TenPerSecond, 1));
    }

    [Fact]
    public async Task Adjust_TakesMoreOrGivesBack_NeverAboveCapacity()
    {
        var time = new FakeTimeProvider();
        var store = new LocalTokenBucketStore(time);
        await store.TryTakeAsync("t", TenPerSecond, 10);

        await store.AdjustAsync("t", TenPerSecond, -100);
        Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync("t", TenPerSecond, 10));
        Assert.True(await store.TryTakeAsync("t", TenPerSecond, 1) > TimeSpan.Zero);

        await store.AdjustAsync("t", TenPerSecond, 5);
        Assert.Equal(TimeSpan.FromMilliseconds(600), await store.TryTakeAsync("t", TenPerSecond, 1));
    }

    [Fact]
    public async Task RateLimiter_PacesRequests_OnTheClockItIsGiven()
    {
        var time = new FakeTimeProvider();
        var limiter = new ModelRateLimiter(new LocalTokenBucketStore(time), "p", requestsPerMinute: 60, tokensPerMinute: null, time);

        await limiter.AcquireAsync(0, CancellationToken.None);
        var second = limiter.AcquireAsync(0, CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RateLimiter_TokensPerMinute_WaitsForTheEstimate_AndSettlesWithTheRealUsage()
    {
        var time = new FakeTimeProvider();
        var store = new LocalTokenBucketStore(time);
        // 6,000 tokens per minute: 100 per second, bucket of 100.
        var limiter = new ModelRateLimiter(store, "p", requestsPerMinute: null, tokensPerMinute: 6000, time);

        var taken = await limiter.AcquireAsync(100, CancellationToken.None);
        Assert.Equal(100, taken);
        // The call really used 40 tokens: 60 come back.
        await limiter.SettleAsync(taken, 40, CancellationToken.None);

        var next = limiter.AcquireAsync(60, CancellationToken.None).AsTask();
        Assert.True(next.IsCompleted);
        var blocked = limiter.AcquireAsync(50, CancellationToken.None).AsTask();
        Assert.False(blocked.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(500));
        await blocked.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
