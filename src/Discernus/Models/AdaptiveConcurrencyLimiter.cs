namespace Discernus.Models;

/// <summary>
/// AIMD bound on the calls in flight to one provider endpoint, shared by every run of the process. It starts small
/// (<see cref="ModelGatewayOptions.InitialConcurrentCalls"/>) and, until the first overload, grows by one for every
/// call answered (slow start, as TCP's window grows per acknowledgement: it doubles per round trip, without waiting for
/// a window to close) up to <see cref="ModelGatewayOptions.MaxConcurrentCalls"/>, so a cold start never opens every
/// loop at once against a provider's limit. It decides once per window (the calls started under the current
/// limit, at least <see cref="MinWindow"/>): when the share of 429s in the window is above what the provider answers
/// anyway plus <see cref="Tolerance"/>, the limit halves (and slow start ends); otherwise it grows by one, so concurrency settles just under
/// the provider's real limit and probes it again now and then. A burst of 429s from one overload halves the limit once.
/// With a <see cref="SharedConcurrencyCeiling"/> (workers on one Redis) each decision is shared: an overload sets the
/// ceiling all of them learnt, and this process keeps to its share of it.
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
    private bool _slowStart;
    private int _cap;
    private SharedConcurrencyCeiling? _shared;

    /// <param name="maxConcurrency">The most calls in flight it ever allows.</param>
    /// <param name="initialConcurrency">Where it starts; below the maximum, each answered call raises it by one until the first overload.</param>
    public AdaptiveConcurrencyLimiter(int maxConcurrency, int? initialConcurrency = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _max = maxConcurrency;
        _cap = maxConcurrency;
        _limit = Math.Clamp(initialConcurrency ?? maxConcurrency, 1, maxConcurrency);
        _slowStart = _limit < _max;
    }

    public int Limit { get { lock (_gate) { return _limit; } } }

    /// <summary>True until the first overload (or the maximum): every answered call raises the limit, not each clean window.</summary>
    public bool InSlowStart { get { lock (_gate) { return _slowStart; } } }

    /// <summary>Shares this limiter's decisions with the other processes calling the endpoint and keeps it to its share.</summary>
    public void Share(SharedConcurrencyCeiling shared)
    {
        _shared = shared;
        shared.Join(this);
    }

    /// <summary>
    /// Applies this process's share of the ceiling the processes learnt together: the limit never goes above it; a
    /// process that joins (<paramref name="adopt"/>) starts at its share instead of slow-starting from scratch.
    /// </summary>
    public void ApplyShare(int share, bool adopt)
    {
        List<TaskCompletionSource<Lease>>? granted;
        lock (_gate)
        {
            _cap = Math.Clamp(share, 1, _max);
            if (adopt)
            {
                _limit = _cap;
                _slowStart = false;
            }
            else
            {
                _limit = Math.Min(_limit, _cap);
            }

            granted = GrantWaiters();
        }

        Grant(granted);
    }

    public int InFlight { get { lock (_gate) { return _inFlight; } } }

    /// <summary>Times the limit was halved since the start.</summary>
    public long Decreases { get { lock (_gate) { return _decreases; } } }

    /// <summary>The share of 429s the provider answers whatever the load, as learnt so far (0 until a decrease did not help).</summary>
    public double RateLimitFloor { get { lock (_gate) { return _floor; } } }

    public ValueTask<Lease> AcquireAsync(CancellationToken cancellationToken)
    {
        _shared?.KeepAlive();
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
        List<TaskCompletionSource<Lease>>? granted;
        SharedConcurrencyCeiling.Decision? decision = null;
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
                    decision = CloseWindow();
                }
            }

            // Slow start: an answer says the provider took one more call, whichever window it started in.
            if (_slowStart && outcome == CallOutcome.Succeeded)
            {
                _limit = Math.Min(_limit + 1, Math.Min(_max, _cap));
                _slowStart = _limit < Math.Min(_max, _cap);
            }

            _inFlight--;
            granted = GrantWaiters();
        }

        if (decision is { } made)
        {
            _shared?.Report(made);
        }

        Grant(granted);
    }

    private List<TaskCompletionSource<Lease>>? GrantWaiters()
    {
        List<TaskCompletionSource<Lease>>? granted = null;
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

        return granted;
    }

    private void Grant(List<TaskCompletionSource<Lease>>? granted)
    {
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

    private SharedConcurrencyCeiling.Decision CloseWindow()
    {
        var share = (double)_windowRateLimited / _windowCalls;
        var before = _limit;
        var peak = Math.Min(_limit, _windowPeak);
        SharedConcurrencyCeiling.Kind kind;
        if (_lastDecrease is { } decrease && decrease.Share <= MaxFloor && share >= decrease.Expected())
        {
            // Half the load left the share of 429s where it was: they are the provider's, not ours.
            _floor = (decrease.Share + share) / 2;
            _limit = Math.Min(decrease.From, _cap);
            _lastDecrease = null;
            kind = SharedConcurrencyCeiling.Kind.Restored;
        }
        else if (share > _floor + Tolerance)
        {
            // From the calls actually in flight: a limit above what the run sends would halve to no effect.
            _lastDecrease = new Decrease(_limit, share);
            _limit = Math.Max(1, peak / 2);
            _decreases++;
            _slowStart = false;
            kind = SharedConcurrencyCeiling.Kind.Overload;
        }
        else
        {
            _lastDecrease = null;
            // In slow start the window's answers have raised the limit already.
            _limit = Math.Min(Math.Min(_max, _cap), _slowStart ? _limit : _limit + 1);
            _slowStart &= _limit < Math.Min(_max, _cap);

            // The provider's share moves (others' load on a shared quota comes and goes): follow it slowly.
            _floor += FloorSmoothing * (share - _floor);
            kind = SharedConcurrencyCeiling.Kind.Clean;
        }

        _epoch++;
        _windowCalls = 0;
        _windowRateLimited = 0;
        _windowPeak = _inFlight;
        return new SharedConcurrencyCeiling.Decision(kind, peak, _limit);
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
