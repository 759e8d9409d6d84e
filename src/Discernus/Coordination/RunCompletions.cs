using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// The Orchestrator's side of run:{run_id}:done: waits for completion signals with BRPOP on a dedicated connection.
/// One instance serves one waiter at a time (calls share its connection); use one per concurrently awaited run.
/// </summary>
internal sealed class RunCompletions : IAsyncDisposable
{
    private readonly RedisConnections _connections;
    private readonly RedisKeys _keys;
    private readonly TimeSpan _blockingTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeyTypeGuard _guard;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ConnectionMultiplexer? _blocking;
    private int _disposed;

    public RunCompletions(RedisConnections connections, RedisKeys keys, TimeSpan? blockingTimeout = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        _connections = connections;
        _keys = keys;
        _blockingTimeout = blockingTimeout ?? TimeSpan.FromSeconds(2);
        if (_blockingTimeout < BlockingCommands.MinimumBlock || _blockingTimeout > TimeSpan.FromSeconds(30))
        {
            throw new ArgumentOutOfRangeException(nameof(blockingTimeout), _blockingTimeout, "The blocking timeout must be between 0.1 s and 30 s.");
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _guard = new KeyTypeGuard(connections.Database);
    }

    /// <summary>The next completion signal of the run, or null when none arrived within <paramref name="wait"/>.</summary>
    public async Task<CompletionSignal?> WaitAsync(string runId, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var done = _keys.RunDone(runId);
        await _guard.EnsureAsync(done, RedisType.List, cancellationToken).ConfigureAwait(false);
        if (wait == TimeSpan.Zero)
        {
            RedisValue popped;
            try
            {
                popped = await _connections.Database.ListRightPopAsync(done).ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
            {
                throw await _guard.FaultAsync(ex, (done, RedisType.List)).ConfigureAwait(false);
            }

            return popped.IsNull ? null : Parse(done, popped.ToString());
        }

        var blocking = (await GetBlockingAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();
        var started = _time.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var remaining = wait - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            var block = BlockingCommands.NextBlock(remaining, _blockingTimeout);
            var pending = blocking.ExecuteAsync("BRPOP", (RedisKey)done, BlockingCommands.FormatSeconds(block));
            RedisResult result;
            try
            {
                result = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _ = PushBackLateAsync(pending, done);
                throw;
            }
            catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
            {
                throw await _guard.FaultAsync(ex, (done, RedisType.List)).ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (BlockingCommands.IsUnknownCommand(ex))
            {
                throw BlockingCommands.Unsupported("BRPOP", _connections.Description, ex);
            }

            if (result.IsNull)
            {
                continue;
            }

            // BRPOP answers [key, value].
            var pair = (RedisResult[])result!;
            return Parse(done, pair[1].ToString());
        }
    }

    /// <summary>How many signals wait in the run's done list.</summary>
    public async Task<long> CountPendingAsync(string runId, CancellationToken cancellationToken = default)
    {
        var done = _keys.RunDone(runId);
        await _guard.EnsureAsync(done, RedisType.List, cancellationToken).ConfigureAwait(false);
        return await _connections.Database.ListLengthAsync(done).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_blocking is { } blocking)
        {
            await blocking.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            blocking.Dispose();
        }

        _connectLock.Dispose();
    }

    private static CompletionSignal Parse(string done, string json)
    {
        var read = TaskContractReader.ReadCompletionSignal(json);
        return read.Contract ?? throw new CoordinationFaultException(
            $"Coordination fault: '{done}' held an entry that is not a completion signal ({read.Error}); entry: {Truncate(json)}");
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private async Task PushBackLateAsync(Task<RedisResult> pending, string done)
    {
        try
        {
            var result = await pending.ConfigureAwait(false);
            if (!result.IsNull)
            {
                // Back at the popping end, so the next wait sees it first.
                var pair = (RedisResult[])result!;
                await _connections.Database.ListRightPushAsync(done, pair[1].ToString()).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Fire-and-forget boundary: a signal popped after cancellation could not be returned.
            _logger.LogWarning(ex, "A completion signal popped from {Done} after the wait was cancelled could not be pushed back", done);
        }
    }

    private async Task<ConnectionMultiplexer> GetBlockingAsync(CancellationToken cancellationToken)
    {
        if (_blocking is { } existing)
        {
            return existing;
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _blocking ??= await _connections.ConnectDedicatedAsync("completions", _blockingTimeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _connectLock.Release();
        }
    }
}
