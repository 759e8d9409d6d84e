namespace Discernus.Models;

/// <summary>Token buckets in this process's memory, refilled by a <see cref="TimeProvider"/>'s monotonic clock.</summary>
internal sealed class LocalTokenBucketStore(TimeProvider timeProvider) : ITokenBucketStore
{
    private readonly Dictionary<string, State> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ValueTask<TimeSpan> TryTakeAsync(string bucket, TokenBucketLimit limit, double amount, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var state = Refill(bucket, limit);
            var need = Math.Min(amount, limit.Capacity);
            if (state.Tokens >= need)
            {
                state.Tokens -= amount;
                return ValueTask.FromResult(TimeSpan.Zero);
            }

            return ValueTask.FromResult(TimeSpan.FromSeconds((need - state.Tokens) / limit.PerSecond));
        }
    }

    public ValueTask AdjustAsync(string bucket, TokenBucketLimit limit, double amount, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var state = Refill(bucket, limit);
            state.Tokens = Math.Min(limit.Capacity, state.Tokens - amount);
        }

        return ValueTask.CompletedTask;
    }

    private State Refill(string bucket, TokenBucketLimit limit)
    {
        var now = timeProvider.GetTimestamp();
        if (!_buckets.TryGetValue(bucket, out var state))
        {
            state = new State { Tokens = limit.Capacity, At = now };
            _buckets[bucket] = state;
            return state;
        }

        var elapsed = timeProvider.GetElapsedTime(state.At, now).TotalSeconds;
        state.Tokens = Math.Min(limit.Capacity, state.Tokens + (elapsed * limit.PerSecond));
        state.At = now;
        return state;
    }

    private sealed class State
    {
        public double Tokens { get; set; }
        public long At { get; set; }
    }
}
