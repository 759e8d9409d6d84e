using Discernus.Models;
using Outcome = Discernus.Models.AdaptiveConcurrencyLimiter.CallOutcome;

namespace Discernus.Tests.Models;

public sealed class AdaptiveConcurrencyLimiterTests
{
    [Fact]
    public async Task AnOverloadedWindow_HalvesTheLimit_Once_FromTheCallsInFlight()
    {
        var limiter = new AdaptiveConcurrencyLimiter(256);
        var leases = await AcquireAsync(limiter, 40);

        // 10 of 40 answered 429 (25 %): the provider cannot take 40 at once.
        foreach (var (lease, i) in leases.Select((l, i) => (l, i)))
        {
            limiter.Release(lease, i < 10 ? Outcome.RateLimited : Outcome.Succeeded);
        }

        Assert.Equal(20, limiter.Limit);
        Assert.Equal(1, limiter.Decreases);
    }

    [Fact]
    public async Task A429AmongTooFewCalls_DecidesNothing()
    {
        var limiter = new AdaptiveConcurrencyLimiter(64);
        var leases = await AcquireAsync(limiter, 5);

        limiter.Release(leases[0], Outcome.RateLimited);
        foreach (var lease in leases.Skip(1))
        {
            limiter.Release(lease, Outcome.Succeeded);
        }

        Assert.Equal(64, limiter.Limit);
        Assert.Equal(0, limiter.Decreases);
    }

    [Fact]
    public async Task AgainstAProviderAtItsCapacity_TheLimitSettlesAroundIt()
    {
        const int capacity = 20;
        var limiter = new AdaptiveConcurrencyLimiter(64);
        var limits = new List<int>();
        for (var round = 0; round < 300; round++)
        {
            // Each round the provider serves `capacity` of the calls sent at once and answers the rest 429.
            var leases = await AcquireAsync(limiter, limiter.Limit);
            foreach (var (lease, i) in leases.Select((l, i) => (l, i)))
            {
                limiter.Release(lease, i < capacity ? Outcome.Succeeded : Outcome.RateLimited);
            }

            limits.Add(limiter.Limit);
        }

        var settled = limits.Skip(150).ToList();
        // Never far above the capacity (at most the tolerated 10 % of 429s), never collapsed below half of it.
        Assert.InRange(settled.Max(), capacity, (int)Math.Ceiling(capacity / (1 - AdaptiveConcurrencyLimiter.Tolerance)) + 1);
        Assert.InRange(settled.Min(), capacity / 2, capacity);
        // The few 429s tolerated just above the capacity are not mistaken for the provider's own share.
        Assert.True(limiter.RateLimitFloor < AdaptiveConcurrencyLimiter.Tolerance / 2, $"floor {limiter.RateLimitFloor}");
    }

    [Fact]
    public async Task A429ShareTheProviderAnswersWhateverTheLoad_DoesNotCollapseTheLimit()
    {
        var random = new Random(3);
        var limiter = new AdaptiveConcurrencyLimiter(64);
        var limits = new List<int>();
        for (var round = 0; round < 300; round++)
        {
            // One request in five is refused, however many are sent (a quota shared with others).
            var leases = await AcquireAsync(limiter, limiter.Limit);
            foreach (var lease in leases)
            {
                limiter.Release(lease, random.NextDouble() < 0.2 ? Outcome.RateLimited : Outcome.Succeeded);
            }

            limits.Add(limiter.Limit);
        }

        // Plain AIMD halves on every window with a 429 and ends near two or three calls at once.
        Assert.True(limits.Skip(100).Average() >= 48, $"average limit {limits.Skip(100).Average():0.0}");
        Assert.InRange(limiter.RateLimitFloor, 0.1, 0.3);
    }

    [Fact]
    public async Task AnOverloadOnTopOfTheProvidersFloor_StillHalvesTheLimit()
    {
        var random = new Random(5);
        var limiter = new AdaptiveConcurrencyLimiter(64);
        for (var round = 0; round < 60; round++)
        {
            var leases = await AcquireAsync(limiter, limiter.Limit);
            foreach (var lease in leases)
            {
                limiter.Release(lease, random.NextDouble() < 0.2 ? Outcome.RateLimited : Outcome.Succeeded);
            }
        }

        Assert.True(limiter.RateLimitFloor > 0.1);
        var before = limiter.Decreases;

        // Now the provider also serves only 16 at once.
        for (var round = 0; round < 60; round++)
        {
            var leases = await AcquireAsync(limiter, limiter.Limit);
            foreach (var (lease, i) in leases.Select((l, i) => (l, i)))
            {
                limiter.Release(lease, i >= 16 || random.NextDouble() < 0.2 ? Outcome.RateLimited : Outcome.Succeeded);
            }
        }

        Assert.True(limiter.Decreases > before);
        Assert.True(limiter.Limit <= 32, $"limit {limiter.Limit}");
    }

    [Fact]
    public async Task EachWindowWithout429s_RaisesTheLimitByOne_UpToTheMaximum()
    {
        var limiter = new AdaptiveConcurrencyLimiter(24);
        var leases = await AcquireAsync(limiter, 24);
        foreach (var (lease, i) in leases.Select((l, i) => (l, i)))
        {
            limiter.Release(lease, i < 12 ? Outcome.RateLimited : Outcome.Succeeded);
        }

        Assert.Equal(12, limiter.Limit);

        var seen = new List<int>();
        for (var round = 0; round < 20; round++)
        {
            foreach (var lease in await AcquireAsync(limiter, limiter.Limit))
            {
                limiter.Release(lease, Outcome.Succeeded);
            }

            seen.Add(limiter.Limit);
        }

        // Windows of at least 16 calls: the limit climbs one step per window and holds at the maximum.
        Assert.Equal(24, limiter.Limit);
        Assert.All(seen.Zip(seen.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, 0, 1));
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

    [Fact]
    public async Task FromAColdStart_EachAnsweredCall_RaisesTheLimit_SoItDoublesPerRoundTrip_UntilTheFirstOverload_ThenGrowsByOne()
    {
        var limiter = new AdaptiveConcurrencyLimiter(256, initialConcurrency: 4);
        var seen = new List<int> { limiter.Limit };
        for (var round = 0; round < 4; round++)
        {
            // One round trip: as many calls at once as the limit lets through, all answered.
            var leases = await AcquireAsync(limiter, limiter.Limit);
            leases.ForEach(l => limiter.Release(l, Outcome.Succeeded));
            seen.Add(limiter.Limit);
        }

        Assert.Equal([4, 8, 16, 32, 64], seen);
        Assert.True(limiter.InSlowStart);

        // 64 at once meet a provider that serves 40: a quarter answered 429.
        var overloaded = await AcquireAsync(limiter, 64);
        foreach (var (lease, i) in overloaded.Select((l, i) => (l, i)))
        {
            limiter.Release(lease, i < 24 ? Outcome.RateLimited : Outcome.Succeeded);
        }

        Assert.False(limiter.InSlowStart);
        var halved = limiter.Limit;
        Assert.InRange(halved, 20, 40);
        var next = await AcquireAsync(limiter, Math.Max(halved, AdaptiveConcurrencyLimiter.MinWindow));
        next.ForEach(l => limiter.Release(l, Outcome.Succeeded));
        Assert.Equal(halved + 1, limiter.Limit);
    }

    [Fact]
    public async Task InSlowStart_TheLimitGrowsAsTheFirstAnswersArrive_NotWhenAWindowCloses()
    {
        // The first calls of a run are slow (connections, warm-up): waiting for a whole window before the first
        // step kept a 64-call run at 8 for two round trips.
        var limiter = new AdaptiveConcurrencyLimiter(64, initialConcurrency: 8);
        var first = await AcquireAsync(limiter, 8);
        var waiting = limiter.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        limiter.Release(first[0], Outcome.Succeeded);
        Assert.Equal(9, limiter.Limit);
        limiter.Release(first[1], Outcome.Succeeded);
        Assert.Equal(10, limiter.Limit);
        // The freed slots and the new ones went to the waiting call and are there for two more.
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7, limiter.InFlight);

        // A 429 or an error is no reason to grow.
        limiter.Release(first[2], Outcome.RateLimited);
        limiter.Release(first[3], Outcome.Other);
        Assert.Equal(10, limiter.Limit);
        Assert.True(limiter.InSlowStart);
    }

    [Fact]
    public async Task SlowStart_StopsAtTheMaximum_AndAtTheSharedCeiling()
    {
        var limiter = new AdaptiveConcurrencyLimiter(12, initialConcurrency: 8);
        var leases = await AcquireAsync(limiter, 8);
        leases.ForEach(l => limiter.Release(l, Outcome.Succeeded));
        Assert.Equal(12, limiter.Limit);
        Assert.False(limiter.InSlowStart);

        var capped = new AdaptiveConcurrencyLimiter(256, initialConcurrency: 8);
        capped.ApplyShare(10, adopt: false);
        var more = await AcquireAsync(capped, 8);
        more.ForEach(l => capped.Release(l, Outcome.Succeeded));
        Assert.Equal(10, capped.Limit);
    }

    [Fact]
    public async Task AShareOfTheCeilingLearntTogether_CapsTheLimit_AndAJoiningProcessStartsAtItsShare()
    {
        var running = new AdaptiveConcurrencyLimiter(256, initialConcurrency: 64);
        running.ApplyShare(12, adopt: false);
        Assert.Equal(12, running.Limit);
        var leases = await AcquireAsync(running, 12);
        leases.ForEach(l => running.Release(l, Outcome.Succeeded));
        Assert.Equal(12, running.Limit);

        var joining = new AdaptiveConcurrencyLimiter(256, initialConcurrency: 4);
        joining.ApplyShare(12, adopt: true);
        Assert.Equal(12, joining.Limit);
        Assert.False(joining.InSlowStart);
    }

    private static async Task<List<AdaptiveConcurrencyLimiter.Lease>> AcquireAsync(AdaptiveConcurrencyLimiter limiter, int count)
    {
        var leases = new List<AdaptiveConcurrencyLimiter.Lease>();
        for (var i = 0; i < count; i++)
        {
            leases.Add(await limiter.AcquireAsync(CancellationToken.None));
        }

        return leases;
    }
}
