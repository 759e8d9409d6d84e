namespace Discernus.Models;

/// <summary>
/// AIMD bound on the calls in flight to one provider endpoint, shared by every run of the process: it starts at
/// <see cref="ModelGatewayOptions.MaxConcurrentCalls"/>, halves (from the number actually in flight) when the provider
/// answers 429, and grows by one after each round of <see cref="Limit"/> successes, so concurrency settles just under the
/// provider's real limit and probes it again now and then. A burst of 429s from one overload halves the limit once:
/// only calls that started after the last decrease can decrease it again. Waiters are served oldest first and can cancel.
/// </summary>
internal sealed class AdaptiveConcurrencyLimiter
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource<Lease>> _waiters = new();
    private readonly int _max;
    private int _limit;
    private int _inFlight;
    private int _successes;
    private long _epoch;

    public AdaptiveConcurrencyLimiter(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _max = maxConcurrency;
        _limit = maxConcurrency;
    }

    public int Limit { get { lock (_gate) { return _limit; } } }

    public int InFlight { get { lock (_gate) { return _inFlight; } } }

    /// <summary>Times the limit was halved since the start.</summary>
    public long Decreases { get { lock (_gate) { return _epoch; } } }

    public ValueTask<Lease> AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<Lease> waiter;
        lock (_gate)
        {
            if (_inFlight < _limit && _waiters.Count == 0)
            {
                _inFlight++;
                return ValueTask.FromResult(new Lease(_epoch));
            }

            waiter = new TaskCompletionSource<Lease>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }

        return WaitAsync(waiter, cancellationToken);
    }

    /// <summary>Ends a call; <paramref name="outcome"/> steers the limit.</summary>
    public void Release(Lease lease, CallOutcome outcome)
    {
        List<TaskCompletionSource<Lease>>? granted = null;
        lock (_gate)
        {
            if (outcome == CallOutcome.RateLimited && lease.Epoch == _epoch)
            {
                _limit = Math.Max(1, Math.Min(_limit, _inFlight) / 2);
                _epoch++;
                _successes = 0;
            }
            else if (outcome == CallOutcome.Succeeded && ++_successes >= _limit)
            {
                _limit = Math.Min(_max, _limit + 1);
                _successes = 0;
            }

            _inFlight--;
            while (_inFlight < _limit && _waiters.TryDequeue(out var next))
            {
                if (next.Task.IsCompleted)
                {
                    continue;
                }

                _inFlight++;
                (granted ??= []).Add(next);
            }
        }

        if (granted is not null)
        {
            var epoch = Volatile.Read(ref _epoch);
            foreach (var waiter in granted)
            {
                if (!waiter.TrySetResult(new Lease(epoch)))
                {
                    // Cancelled between dequeue and grant: give the slot back.
                    Release(new Lease(-1), CallOutcome.Other);
                }
            }
        }
    }

    private static async ValueTask<Lease> WaitAsync(TaskCompletionSource<Lease> waiter, CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(static state => ((TaskCompletionSource<Lease>)state!).TrySetCanceled(), waiter).ConfigureAwait(false))
        {
            return await waiter.Task.ConfigureAwait(false);
        }
    }

    /// <summary>A slot; <see cref="Epoch"/> is the limit's generation when the call started.</summary>
    public readonly record struct Lease(long Epoch);

    public enum CallOutcome
    {
        Succeeded,
        RateLimited,
        Other,
    }
}
