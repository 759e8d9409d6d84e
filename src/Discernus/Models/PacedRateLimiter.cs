using System.Threading.RateLimiting;

namespace Discernus.Models;

/// <summary>
/// A requests-per-minute limit paced by a <see cref="TimeProvider"/>: a token bucket holding one permit, refilled
/// every 60 s / rpm by a timer of the time provider, so calls are spaced evenly and never exceed the limit in any
/// minute (plus the one permit held at the start). Tests drive it with <c>FakeTimeProvider.Advance</c>.
/// Waiting callers are served oldest first and can cancel while they wait.
/// </summary>
internal sealed class PacedRateLimiter : IDisposable
{
    private readonly TokenBucketRateLimiter _bucket;
    private readonly ITimer _timer;

    public PacedRateLimiter(int requestsPerMinute, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requestsPerMinute, 1);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Interval = TimeSpan.FromMinutes(1) / requestsPerMinute;
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1,
            TokensPerPeriod = 1,
            // Replenishment is driven by our timer; with a one-tick period each TryReplenish adds a token.
            ReplenishmentPeriod = TimeSpan.FromTicks(1),
            AutoReplenishment = false,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _timer = timeProvider.CreateTimer(static state => ((TokenBucketRateLimiter)state!).TryReplenish(), _bucket, Interval, Interval);
    }

    public TimeSpan Interval { get; }

    public RateLimiter Limiter => _bucket;

    public void Dispose()
    {
        _timer.Dispose();
        _bucket.Dispose();
    }
}
