namespace Discernus.Models;

/// <summary>
/// AIMD bound on the calls in flight to one provider endpoint, shared by every run of the process. It starts at
/// <see cref="ModelGatewayOptions.MaxConcurrentCalls"/> and decides once per window (the calls started under the current
/// limit, at least <see cref="MinWindow"/>): when the share of 429s in the window is above what the provider answers
/// anyway plus <see cref="Tolerance"/>, the limit halves; otherwise it grows by one, so concurrency settles just under
/// the provider's real limit and probes it again now and then. A burst of 429s from one overload halves the limit once.
/// After a decrease the next window checks that it helped: when the share of 429s stayed nearer where it was than where
/// an overload would have put it, they do not come from this client's load (a quota shared with others, a provider that sheds a share of requests whatever comes)
/// and the limit goes back up, with that share remembered as the provider's floor — halving again and again would only
/// collapse the throughput, as TCP's window does under random loss. Waiters are served oldest first and can cancel.
/// </summary>
internal sealed class AdaptiveConcurrencyLimiter
{
    /// <summary>Calls a window needs at least before it decides, so a share is not read from two or three calls.</summary>
    public const int MinWindow = 16;

    /// <summary>How far above the provider's floor the share of 429s must be before the load is blamed.</summary>
    public const double Tolerance = 0.1;

    // A provider that refuses more than this share whatever the load is not told apart from an overload (the two
    // predictions come too close to be read from one window), so the limit keeps halving.
    private const double MaxFloor = 0.5;

    // Weight of a window in the moving estimate of the provider's own share of 429s.
    private const double FloorSmoothing = 0.1;

    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource<Lease>> _waiters = new();
    private readonly int _max;
    private int _limit;
    private int _inFlight;
    private long _epoch;
    private long _decreases;
    private int _windowCalls;
    private int _windowRateLimited;
    private int _windowPeak;
    private double _floor;
    private Decrease? _lastDecrease;

    public AdaptiveConcurrencyLimiter(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _max = maxConcurrency;
        _limit = maxConcurrency;
    }

    public int Limit { get { lock (_gate) { return _limit; } } }

    public int InFlight { get { lock (_gate) { return _inFlight; } } }

    /// <summary>Times the limit was halved since the start.</summary>
    public long Decreases { get { lock (_gate) { return _decreases; } } }

    /// <summary>The share of 429s the provider answers whatever the load, as learnt so far (0 until a decrease did not help).</summary>
    public double RateLimitFloor { get { lock (_gate) { return _floor; } } }

    public ValueTask<Lease> AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<Lease> waiter;
        lock (_gate)
        {
            if (_inFlight < _limit && _waiters.Count == 0)
            {
                _inFlight++;
                _windowPeak = Math.Max(_windowPeak, _inFlight);
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
            // Calls started under an earlier limit say nothing about the current one.
            if (lease.Epoch == _epoch)
            {
                _windowCalls++;
                if (outcome == CallOutcome.RateLimited)
                {
                    _windowRateLimited++;
                }

                // A window is as many calls as are sent at once (the limit may be above what the run sends).
                if (_windowCalls >= Math.Max(Math.Min(_limit, _windowPeak), MinWindow))
                {
                    CloseWindow();
                }
            }

            _inFlight--;
            while (_inFlight < _limit && _waiters.TryDequeue(out var next))
            {
                if (next.Task.IsCompleted)
                {
                    continue;
                }

                _inFlight++;
                _windowPeak = Math.Max(_windowPeak, _inFlight);
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

    private void CloseWindow()
    {
        var share = (double)_windowRateLimited / _windowCalls;
        if (_lastDecrease is { } decrease && decrease.Share <= MaxFloor && share >= decrease.Expected())
        {
            // Half the load left the share of 429s where it was: they are the provider's, not ours.
            _floor = (decrease.Share + share) / 2;
            _limit = decrease.From;
            _lastDecrease = null;
        }
        else if (share > _floor + Tolerance)
        {
            // From the calls actually in flight: a limit above what the run sends would halve to no effect.
            _lastDecrease = new Decrease(_limit, share);
            _limit = Math.Max(1, Math.Min(_limit, _windowPeak) / 2);
            _decreases++;
        }
        else
        {
            _lastDecrease = null;
            _limit = Math.Min(_max, _limit + 1);

            // The provider's share moves (others' load on a shared quota comes and goes): follow it slowly.
            _floor += FloorSmoothing * (share - _floor);
        }

        _epoch++;
        _windowCalls = 0;
        _windowRateLimited = 0;
        _windowPeak = _inFlight;
    }

    private static async ValueTask<Lease> WaitAsync(TaskCompletionSource<Lease> waiter, CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(static state => ((TaskCompletionSource<Lease>)state!).TrySetCanceled(), waiter).ConfigureAwait(false))
        {
            return await waiter.Task.ConfigureAwait(false);
        }
    }

    /// <summary>A slot; <see cref="Epoch"/> is the window the call started in.</summary>
    public readonly record struct Lease(long Epoch);

    private readonly record struct Decrease(int From, double Share)
    {
        // Overloaded at capacity P, C calls draw a share 1 - P/C of 429s and C/2 calls 1 - 2P/C = 2·Share - 1; a
        // provider that sheds a share whatever the load keeps Share. Halfway between the two tells them apart.
        public double Expected() => (Share + Math.Max(0, (2 * Share) - 1)) / 2;
    }

    public enum CallOutcome
    {
        Succeeded,
        RateLimited,
        Other,
    }
}
