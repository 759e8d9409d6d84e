namespace Discernus.Coordination;

/// <summary>Settings of a <see cref="RedisTaskQueue"/>, validated when the queue is built.</summary>
internal sealed record TaskQueueOptions
{
    /// <summary>How long task:{id}:data (and the attempts counter) live.</summary>
    public TimeSpan DataTtl { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Server-side timeout of one BLMOVE. It must stay well below the client's AsyncTimeout (5 s); a claim that
    /// waits longer simply issues several.
    /// </summary>
    public TimeSpan BlockingTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A task claimed more often than this without being acknowledged is moved to <c>dead</c> on its next claim
    /// (it keeps killing its workers). 0 means no limit.
    /// </summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Whether a dead-lettered task also pushes a failed completion signal to its run's done list.</summary>
    public bool SignalDeadLetters { get; init; } = true;

    /// <summary>How many entries <c>dead</c> keeps (newest first): it is a record for people, not a store.</summary>
    public int DeadListCapacity { get; init; } = 10_000;

    public void Validate()
    {
        if (DataTtl <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(TaskQueueOptions)}.{nameof(DataTtl)} must be positive (was {DataTtl}).");
        }

        if (BlockingTimeout < TimeSpan.FromMilliseconds(100) || BlockingTimeout > TimeSpan.FromSeconds(30))
        {
            throw new ArgumentException(
                $"{nameof(TaskQueueOptions)}.{nameof(BlockingTimeout)} must be between 0.1 s and 30 s (was {BlockingTimeout}); 0 would block forever.");
        }

        if (DeadListCapacity < 1)
        {
            throw new ArgumentException($"{nameof(TaskQueueOptions)}.{nameof(DeadListCapacity)} must be at least 1 (was {DeadListCapacity}).");
        }

        if (MaxAttempts < 0)
        {
            throw new ArgumentException($"{nameof(TaskQueueOptions)}.{nameof(MaxAttempts)} must be 0 (no limit) or more (was {MaxAttempts}).");
        }
    }
}
