using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// Keeps worker:{worker_id} alive: SET with a TTL, refreshed every TTL/3 on the injected <see cref="TimeProvider"/>.
/// When the process dies the key expires and <see cref="OrphanRecovery"/> requeues the worker's processing list.
/// Start it before the first claim.
/// </summary>
internal sealed class WorkerHeartbeat : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromSeconds(15);

    private readonly RedisConnections _connections;
    private readonly string _key;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _startedAt;
    private CancellationTokenSource? _loopCancellation;
    private Task? _loop;
    private readonly Telemetry.DiscernusMetrics? _metrics;
    private int _beats;
    private long? _failingSince;
    private bool _warned;
    private long _lastSuccess;
    private int _lapses;

    public WorkerHeartbeat(RedisConnections connections, RedisKeys keys, string workerId, TimeSpan? ttl = null, TimeProvider? timeProvider = null, ILogger? logger = null, Telemetry.DiscernusMetrics? metrics = null)
    {
        _connections = connections;
        _key = keys.Worker(workerId);
        WorkerId = workerId;
        Ttl = ttl ?? DefaultTtl;
        if (Ttl < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), Ttl, "A heartbeat TTL under one second would expire between beats.");
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
        _startedAt = CoordinationJson.FormatTimestamp(_time.GetUtcNow());
    }

    public string WorkerId { get; }

    public TimeSpan Ttl { get; }

    public TimeSpan Interval => Ttl / 3;

    /// <summary>How many beats reached Redis so far.</summary>
    public int BeatCount => Volatile.Read(ref _beats);

    /// <summary>How many times the key went unrefreshed for longer than its TTL (the process paused, Redis away): each time, other hosts may have taken this worker's claims.</summary>
    public int Lapses => Volatile.Read(ref _lapses);

    /// <summary>
    /// True when the heartbeat may have lapsed since <paramref name="lapsesBefore"/> was read: a lapse was seen, or the
    /// last beat that reached Redis is older than the TTL now (a paused process notices before its next beat).
    /// </summary>
    public bool LapsedSince(int lapsesBefore)
    {
        var last = Interlocked.Read(ref _lastSuccess);
        return Lapses != lapsesBefore || (last != 0 && _time.GetElapsedTime(last) > Ttl);
    }

    /// <summary>The error of the last beat, or null when it succeeded; the loop keeps trying.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Beats once (so the worker is alive before it claims) and then keeps beating in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException($"The heartbeat of worker '{WorkerId}' is already running.");
        }

        await BeatAsync(cancellationToken).ConfigureAwait(false);
        _loopCancellation = new CancellationTokenSource();
        _loop = RunAsync(_loopCancellation.Token);
    }

    public async Task BeatAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var info = new WorkerHeartbeatInfo
        {
            WorkerId = WorkerId,
            Host = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            StartedAt = _startedAt,
            BeatAt = CoordinationJson.FormatTimestamp(_time.GetUtcNow()),
        };

        // SET replaces a value of any type, so this key needs no type check.
        await _connections.Database.StringSetAsync(_key, CoordinationJson.Serialize(info), Ttl).ConfigureAwait(false);
        Interlocked.Increment(ref _beats);
        var previous = Interlocked.Exchange(ref _lastSuccess, _time.GetTimestamp());
        if (previous != 0 && _time.GetElapsedTime(previous) > Ttl)
        {
            Interlocked.Increment(ref _lapses);
        }
        _metrics?.Heartbeat();
    }

    /// <summary>Stops beating and deletes the key: a worker that stopped cleanly is not alive.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_loopCancellation is null || _loop is null)
        {
            return;
        }

        await _loopCancellation.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _loopCancellation.Dispose();
        _loopCancellation = null;
        _loop = null;
        cancellationToken.ThrowIfCancellationRequested();
        await _connections.Database.KeyDeleteAsync(_key).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // The key expires on its own within the TTL.
            _logger.LogDebug(ex, "Could not delete the heartbeat of worker {WorkerId}", WorkerId);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await Task.Delay(Interval, _time, cancellationToken).ConfigureAwait(false);
                await BeatAsync(cancellationToken).ConfigureAwait(false);
                if (LastError is not null)
                {
                    _logger.LogInformation("Heartbeat of {WorkerId} reaches Redis again", WorkerId);
                }

                LastError = null;
                _failingSince = null;
                _warned = false;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Loop boundary: a missed beat is not fatal until the TTL runs out, so keep trying. The claim loops
                // report an outage themselves; a heartbeat that keeps failing past its TTL is worth a warning of its own.
                _failingSince ??= _time.GetTimestamp();
                if (LastError is null)
                {
                    _logger.LogInformation("Heartbeat of {WorkerId} failed ({Failure}); retrying every {Interval}", WorkerId, RedisTransience.Describe(ex), Interval);
                }
                else if (!_warned && _time.GetElapsedTime(_failingSince.Value) > Ttl)
                {
                    _warned = true;
                    _logger.LogWarning("Heartbeat of {WorkerId} has failed for more than {Ttl}: its claims may be handed to other workers ({Failure})", WorkerId, Ttl, RedisTransience.Describe(ex));
                }

                LastError = ex;
            }
        }
    }
}
