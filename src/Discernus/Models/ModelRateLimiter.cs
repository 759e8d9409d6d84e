namespace Discernus.Models;

/// <summary>
/// The requests- and tokens-per-minute limits of one provider endpoint over an <see cref="ITokenBucketStore"/>. A call
/// first waits for one request and for its estimated tokens (prompt characters / 4 plus its answer allowance); once
/// the provider reports the real usage, the difference is taken or given back.
/// </summary>
internal sealed class ModelRateLimiter(ITokenBucketStore store, string bucketPrefix, int? requestsPerMinute, int? tokensPerMinute, TimeProvider timeProvider)
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);
    private readonly TokenBucketLimit? _requests = requestsPerMinute is { } rpm ? TokenBucketLimit.PerMinute(rpm) : null;
    private readonly TokenBucketLimit? _tokens = tokensPerMinute is { } tpm ? TokenBucketLimit.PerMinute(tpm) : null;

    public bool LimitsTokens => _tokens is not null;

    /// <summary>Waits until the call may go; returns the tokens taken for it (0 without a token limit).</summary>
    public async ValueTask<long> AcquireAsync(long estimatedTokens, CancellationToken cancellationToken)
    {
        if (_requests is not null)
        {
            await TakeAsync(bucketPrefix + ":rpm", _requests, 1, cancellationToken).ConfigureAwait(false);
        }

        if (_tokens is null)
        {
            return 0;
        }

        await TakeAsync(bucketPrefix + ":tpm", _tokens, estimatedTokens, cancellationToken).ConfigureAwait(false);
        return estimatedTokens;
    }

    /// <summary>Corrects the token bucket by what the call really used (nothing when the provider did not say).</summary>
    public ValueTask SettleAsync(long takenTokens, long? usedTokens, CancellationToken cancellationToken)
    {
        if (_tokens is null || usedTokens is not { } used || used == takenTokens)
        {
            return ValueTask.CompletedTask;
        }

        return store.AdjustAsync(bucketPrefix + ":tpm", _tokens, used - takenTokens, cancellationToken);
    }

    private async ValueTask TakeAsync(string bucket, TokenBucketLimit limit, double amount, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = await store.TryTakeAsync(bucket, limit, amount, cancellationToken).ConfigureAwait(false);
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(wait < MinimumWait ? MinimumWait : wait, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }
}
