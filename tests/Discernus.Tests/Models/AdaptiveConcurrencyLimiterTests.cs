using Discernus.Models;
using Outcome = Discernus.Models.AdaptiveConcurrencyLimiter.CallOutcome;

namespace Discernus.Tests.Models;

public sealed class AdaptiveConcurrencyLimiterTests
{
    [Fact]
    public async Task A429_HalvesTheLimit_FromTheCallsInFlight()
    {
        var limiter = new AdaptiveConcurrencyLimiter(256);
        var leases = new List<AdaptiveConcurrencyLimiter.Lease>();
        for (var i = 0; i < 20; i++)
        {
            leases.Add(await limiter.AcquireAsync(CancellationToken.None));
        }

        limiter.Release(leases[0], Outcome.RateLimited);

        Assert.Equal(10, limiter.Limit);
        Assert.Equal(1, limiter.Decreases);
    }

    [Fact]
    public async Task ABurstOf429sFromOneOverload_HalvesOnce()
    {
        var limiter = new AdaptiveConcurrencyLimiter(64);
        var leases = new List<AdaptiveConcurrencyLimiter.Lease>();
        for (var i = 0; i < 16; i++)
        {
            leases.Add(await limiter.AcquireAsync(CancellationToken.None));
        }

        foreach (var lease in leases.Take(8))
        {
            limiter.Release(lease, Outcome.RateLimited);
        }

        Assert.Equal(8, limiter.Limit);
        Assert.Equal(1, limiter.Decreases);

        // A call that started after the decrease and is limited again halves again.
        foreach (var lease in leases.Skip(8))
        {
            limiter.Release(lease, Outcome.Other);
        }

        var later = await limiter.AcquireAsync(CancellationToken.None);
        limiter.Release(later, Outcome.RateLimited);
        Assert.Equal(2, limiter.Decreases);
    }

    [Fact]
    public async Task EachRoundOfSuccesses_RaisesTheLimitByOne_UpToTheMaximum()
    {
        var limiter = new AdaptiveConcurrencyLimiter(6);
        var first = await limiter.AcquireAsync(CancellationToken.None);
        var second = await limiter.AcquireAsync(CancellationToken.None);
        var third = await limiter.AcquireAsync(CancellationToken.None);
        var fourth = await limiter.AcquireAsync(CancellationToken.None);
        limiter.Release(first, Outcome.RateLimited);
        Assert.Equal(2, limiter.Limit);

        foreach (var lease in new[] { second, third, fourth })
        {
            limiter.Release(lease, Outcome.Other);
        }

        for (var round = 0; round < 20; round++)
        {
            limiter.Release(await limiter.AcquireAsync(CancellationToken.None), Outcome.Succeeded);
        }

        // 2 successes raise 2 → 3, 3 more → 4, 4 more → 5, 5 more → 6; then the maximum holds.
        Assert.Equal(6, limiter.Limit);
    }

    [Fact]
    public async Task CallsBeyondTheLimit_WaitForASlot_OldestFirst_AndCanCancel()
    {
        var limiter = new AdaptiveConcurrencyLimiter(1);
        var held = await limiter.AcquireAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = limiter.AcquireAsync(cancel.Token).AsTask();
        var waiting = limiter.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(cancelled.IsCompleted);
        Assert.False(waiting.IsCompleted);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        limiter.Release(held, Outcome.Succeeded);

        var granted = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, limiter.InFlight);
        limiter.Release(granted, Outcome.Succeeded);
        Assert.Equal(0, limiter.InFlight);
    }
}
