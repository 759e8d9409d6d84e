namespace Discernus.Models;

/// <summary>
/// Token buckets by name, the state behind the requests- and tokens-per-minute limits. The gateway keeps one store per
/// process, so every run of the process shares a limit; with an external Redis, the Redis implementation (in
/// Coordination, one Lua script per operation) makes every worker on that Redis share it too. A bucket starts full.
/// Implementations must be safe for concurrent calls.
/// </summary>
internal interface ITokenBucketStore
{
    /// <summary>
    /// Takes <paramref name="amount"/> when at least <c>min(amount, capacity)</c> is available and returns
    /// <see cref="TimeSpan.Zero"/> (a request larger than the bucket goes when the bucket is full and leaves a debt);
    /// otherwise takes nothing and returns how long until it could.
    /// </summary>
    ValueTask<TimeSpan> TryTakeAsync(string bucket, TokenBucketLimit limit, double amount, CancellationToken cancellationToken = default);

    /// <summary>Takes <paramref name="amount"/> (gives back when negative) without waiting; never fills above capacity.</summary>
    ValueTask AdjustAsync(string bucket, TokenBucketLimit limit, double amount, CancellationToken cancellationToken = default);
}
