using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Discernus.Coordination;

/// <summary>
/// How every loop of a process (claims, acks, completion waits, state reads) rides out a Redis outage: a Polly retry
/// with exponential backoff on transient failures only, bounded by <see cref="OutageLimit"/>. One instance per
/// process, so an outage is reported once (when it starts and when it ends) rather than by every loop on every retry.
/// Past the limit the operation fails with <see cref="CoordinationUnavailableException"/>: the loop cannot go on and
/// its process ends with that reason.
/// </summary>
internal sealed class CoordinationResilience
{
    public static readonly TimeSpan DefaultOutageLimit = TimeSpan.FromMinutes(5);

    private static readonly ResiliencePropertyKey<long> FirstFailure = new("discernus.redis.first-failure");

    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _server;
    private readonly Lock _gate = new();
    private long? _outageStarted;
    private long _failuresInOutage;

    public CoordinationResilience(string server, TimeSpan? outageLimit = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        _server = server;
        OutageLimit = outageLimit ?? DefaultOutageLimit;
        if (OutageLimit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(outageLimit), OutageLimit, "The Redis outage limit must be positive.");
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && RedisTransience.IsTransient(ex) && WithinLimit(args.Context)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
                OnRetry = args =>
                {
                    NoteFailure(args.Outcome.Exception!);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>How long Redis may stay unreachable before a loop gives up.</summary>
    public TimeSpan OutageLimit { get; }

    /// <summary>True while an outage is in progress (some operation failed and none has succeeded since).</summary>
    public bool InOutage
    {
        get
        {
            lock (_gate)
            {
                return _outageStarted is not null;
            }
        }
    }

    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> operation, string what, CancellationToken cancellationToken = default)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var result = await _pipeline.ExecuteAsync(async ctx => await operation(ctx.CancellationToken).ConfigureAwait(false), context).ConfigureAwait(false);
            NoteSuccess();
            return result;
        }
        catch (Exception ex) when (RedisTransience.IsTransient(ex))
        {
            var since = context.Properties.TryGetValue(FirstFailure, out var first) ? _time.GetElapsedTime(first) : TimeSpan.Zero;
            throw new CoordinationUnavailableException(
                $"Redis at {_server} has been unreachable for {since.TotalSeconds:F0} s while {what} ({RedisTransience.Describe(ex)}); the outage limit is {OutageLimit.TotalSeconds:F0} s "
                + "(DISCERNUS_REDIS_OUTAGE_SECONDS). Check that the server runs and is reachable from this machine.",
                ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public Task ExecuteAsync(Func<CancellationToken, Task> operation, string what, CancellationToken cancellationToken = default) =>
        ExecuteAsync(
            async ct =>
            {
                await operation(ct).ConfigureAwait(false);
                return true;
            },
            what,
            cancellationToken);

    private bool WithinLimit(ResilienceContext context)
    {
        var now = _time.GetTimestamp();
        if (!context.Properties.TryGetValue(FirstFailure, out var first))
        {
            context.Properties.Set(FirstFailure, now);
            return true;
        }

        return _time.GetElapsedTime(first, now) < OutageLimit;
    }

    private void NoteFailure(Exception exception)
    {
        bool first;
        lock (_gate)
        {
            first = _outageStarted is null;
            _outageStarted ??= _time.GetTimestamp();
            _failuresInOutage++;
        }

        if (first)
        {
            _logger.LogWarning(exception, "Lost Redis at {Server}: {Failure}; every loop keeps retrying for up to {Limit} s", _server, RedisTransience.Describe(exception), OutageLimit.TotalSeconds);
        }
        else
        {
            _logger.LogDebug("Redis at {Server} still unreachable: {Failure}", _server, RedisTransience.Describe(exception));
        }
    }

    private void NoteSuccess()
    {
        long started;
        long failures;
        lock (_gate)
        {
            if (_outageStarted is not { } value)
            {
                return;
            }

            started = value;
            failures = _failuresInOutage;
            _outageStarted = null;
            _failuresInOutage = 0;
        }

        _logger.LogWarning("Redis at {Server} is reachable again after {Seconds:F1} s ({Failures} failed operation(s) retried)", _server, _time.GetElapsedTime(started).TotalSeconds, failures);
    }
}
