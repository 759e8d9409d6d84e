namespace Discernus.Models;

/// <summary>A bucket's size and refill rate.</summary>
internal sealed record TokenBucketLimit(double Capacity, double PerSecond)
{
    /// <summary>
    /// A per-minute limit as a bucket refilled continuously and holding one second's worth (at least 1), so the
    /// provider never sees a burst of a whole minute's allowance.
    /// </summary>
    public static TokenBucketLimit PerMinute(int perMinute)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perMinute, 1);
        return new TokenBucketLimit(Math.Max(1.0, perMinute / 60.0), perMinute / 60.0);
    }
}
