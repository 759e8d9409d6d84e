using Microsoft.Extensions.Logging;

namespace Discernus.Models;

/// <summary>
/// Connects one process's <see cref="AdaptiveConcurrencyLimiter"/> to the ceiling every process calling the endpoint
/// learns together (<see cref="IConcurrencyCeilingStore"/>): its window decisions are reported, one report at a time and
/// off the calls' path (an overload is never dropped, a later decision replaces an unsent clean one), and the share of
/// the ceiling that comes back caps the limiter. A process that joins while a ceiling is known starts at its share, not
/// from a cold start. A store that cannot be reached changes nothing: the limiter goes on alone, and says so once.
/// </summary>
internal sealed class SharedConcurrencyCeiling(IConcurrencyCeilingStore store, string name, int max, TimeProvider timeProvider, ILogger logger)
{
    // A process that stops reporting for longer than the store's staleness (Coordination: 60 s) no longer counts.
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    private readonly string _member = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    private readonly Lock _gate = new();
    private AdaptiveConcurrencyLimiter? _limiter;
    private Decision? _pending;
    private bool _sending;
    private bool _joined;
    private long _lastReport = timeProvider.GetTimestamp();
    private bool _warned;

    /// <summary>What a window decided, for the store.</summary>
    public enum Kind
    {
        Clean,
        Overload,
        Restored,
        Join,
        KeepAlive,
    }

    public readonly record struct Decision(Kind Kind, int Peak, int Limit);

    /// <summary>The last ceiling the store reported (for progress displays and tests).</summary>
    public ConcurrencyCeiling? Last { get; private set; }

    public void Join(AdaptiveConcurrencyLimiter limiter)
    {
        _limiter = limiter;
        Report(new Decision(Kind.Join, 0, limiter.Limit));
    }

    public void KeepAlive()
    {
        if (timeProvider.GetElapsedTime(Interlocked.Read(ref _lastReport)) >= KeepAliveInterval && _limiter is { } limiter)
        {
            Report(new Decision(Kind.KeepAlive, limiter.InFlight, limiter.Limit));
        }
    }

    public void Report(Decision decision)
    {
        lock (_gate)
        {
            Interlocked.Exchange(ref _lastReport, timeProvider.GetTimestamp());
            if (_pending is not { Kind: Kind.Overload or Kind.Join } || decision.Kind == Kind.Overload)
            {
                _pending = decision;
            }

            if (_sending)
            {
                return;
            }

            _sending = true;
        }

        _ = Task.Run(SendAsync);
    }

    private async Task SendAsync()
    {
        while (true)
        {
            Decision decision;
            lock (_gate)
            {
                if (_pending is not { } next)
                {
                    _sending = false;
                    return;
                }

                decision = next;
                _pending = null;
            }

            try
            {
                var ceiling = await store.ReportAsync(name, _member, decision.Peak, decision.Limit, DecisionName(decision.Kind), max).ConfigureAwait(false);
                Last = ceiling;
                if (ceiling.Share is { } share && _limiter is { } limiter)
                {
                    limiter.ApplyShare(share, adopt: !_joined);
                }

                _joined = true;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Loop boundary of a background report: the limiter works alone until the store answers again.
                if (!_warned)
                {
                    _warned = true;
                    logger.LogWarning("The shared concurrency ceiling of {Name} could not be reported ({Message}); this process limits its calls on its own", name, ex.Message);
                }
            }
        }
    }

    private static string DecisionName(Kind kind) => kind switch
    {
        Kind.Overload => "overload",
        Kind.Clean => "clean",
        _ => "keep",
    };
}
