using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// The Orchestrator's side of run:{run_id}:done. Each wait moves one signal with BLMOVE (dedicated connection) into
/// run:{run_id}:completed, so a signal is never lost: when a connection drops while a move is under way the reply may
/// be lost, but the signal sits in the completed list and <see cref="ReplayNeeded"/> tells the caller to read it back
/// with <see cref="ReadTakenAsync"/> (the caller counts each task once). One instance serves one waiter at a time.
/// </summary>
internal sealed class RunCompletions : IAsyncDisposable
{
    private readonly RedisConnections _connections;
    private readonly RedisKeys _keys;
    private readonly TimeSpan _blockingTimeout;
    private readonly TimeProvider _time;
    private readonly KeyTypeGuard _guard;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ConnectionMultiplexer? _blocking;
    private Task<RedisResult>? _late;
    private int _disposed;

    public RunCompletions(RedisConnections connections, RedisKeys keys, TimeSpan? blockingTimeout = null, TimeProvider? timeProvider = null)
    {
        _connections = connections;
        _keys = keys;
        _blockingTimeout = blockingTimeout ?? TimeSpan.FromSeconds(2);
        if (_blockingTimeout < BlockingCommands.MinimumBlock || _blockingTimeout > TimeSpan.FromSeconds(30))
        {
            throw new ArgumentOutOfRangeException(nameof(blockingTimeout), _blockingTimeout, "The blocking timeout must be between 0.1 s and 30 s.");
        }

        _time = timeProvider ?? TimeProvider.System;
        _guard = new KeyTypeGuard(connections.Database);
    }

    /// <summary>
    /// Set when a move failed with a connection error: its signal may have been moved without reaching us. Read the
    /// completed list back with <see cref="ReadTakenAsync"/>, then call <see cref="ClearReplay"/>.
    /// </summary>
    public bool ReplayNeeded { get; private set; }

    public void ClearReplay() => ReplayNeeded = false;

    /// <summary>The next completion signal of the run, or null when none arrived within <paramref name="wait"/>.</summary>
    public async Task<CompletionSignal?> WaitAsync(string runId, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var done = _keys.RunDone(runId);
        var completed = _keys.RunCompleted(runId);
        await _guard.EnsureAsync(done, RedisType.List, cancellationToken).ConfigureAwait(false);
        await _guard.EnsureAsync(completed, RedisType.List, cancellationToken).ConfigureAwait(false);
        if (wait == TimeSpan.Zero && _late is null)
        {
            RedisValue moved;
            try
            {
                moved = await _connections.Database.ListMoveAsync(done, completed, ListSide.Right, ListSide.Left).ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
            {
                throw await _guard.FaultAsync(ex, (done, RedisType.List), (completed, RedisType.List)).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisTransience.IsTransient(ex))
            {
                ReplayNeeded = true;
                throw;
            }

            return moved.IsNull ? null : Parse(done, moved.ToString());
        }

        var blocking = (await GetBlockingAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();
        var started = _time.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var remaining = wait - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero && _late is null)
            {
                return null;
            }

            // A move abandoned by a cancelled wait is still on its way: its answer belongs to this wait.
            var pending = _late ?? blocking.ExecuteAsync(
                "BLMOVE", (RedisKey)done, (RedisKey)completed, "RIGHT", "LEFT", BlockingCommands.FormatSeconds(BlockingCommands.NextBlock(remaining, _blockingTimeout)));
            _late = null;
            RedisResult result;
            try
            {
                result = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _late = pending;
                throw;
            }
            catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
            {
                throw await _guard.FaultAsync(ex, (done, RedisType.List), (completed, RedisType.List)).ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (BlockingCommands.IsUnknownCommand(ex))
            {
                throw BlockingCommands.Unsupported("BLMOVE", _connections.Description, ex);
            }
            catch (Exception ex) when (RedisTransience.IsTransient(ex))
            {
                ReplayNeeded = true;
                throw;
            }

            if (!result.IsNull)
            {
                return Parse(done, result.ToString());
            }
        }
    }

    /// <summary>
    /// The signals waiting for the run, up to <paramref name="max"/>, taken in one step; when none waits, blocks up to
    /// <paramref name="wait"/> for the next one (and takes whatever arrived with it). Empty when nothing arrived.
    /// </summary>
    public async Task<IReadOnlyList<CompletionSignal>> WaitManyAsync(string runId, int max, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var taken = _late is null ? await TakeWaitingAsync(runId, max).ConfigureAwait(false) : [];
        if (taken.Count > 0)
        {
            return taken;
        }

        var first = await WaitAsync(runId, wait, cancellationToken).ConfigureAwait(false);
        if (first is null)
        {
            return [];
        }

        return [first, .. max > 1 ? await TakeWaitingAsync(runId, max - 1).ConfigureAwait(false) : []];
    }

    private async Task<IReadOnlyList<CompletionSignal>> TakeWaitingAsync(string runId, int max)
    {
        var done = _keys.RunDone(runId);
        var completed = _keys.RunCompleted(runId);
        RedisResult result;
        try
        {
            result = await _connections.Database.ScriptEvaluateAsync(RedisScripts.TakeSignals, [done, completed], [max]).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw await _guard.FaultAsync(ex, (done, RedisType.List), (completed, RedisType.List)).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisTransience.IsTransient(ex))
        {
            ReplayNeeded = true;
            throw;
        }

        return result.IsNull ? [] : ((RedisResult[])result!).Select(r => Parse(done, r.ToString())).ToList();
    }

    /// <summary>
    /// Forgets all but the newest <paramref name="keep"/> signals taken for the run. Call it only once every signal
    /// older than those is counted: a success is then in the run folder (its result file), a failure in the run's
    /// failures. The newest stay for a replay after a lost reply. Without this the list holds a signal per task of the
    /// run (about 500 bytes each in the embedded Garnet: 50 MB at 100,000 documents).
    /// </summary>
    public async Task TrimTakenAsync(string runId, int keep, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var completed = _keys.RunCompleted(runId);
        await _guard.EnsureAsync(completed, RedisType.List, cancellationToken).ConfigureAwait(false);
        await _connections.Database.ListTrimAsync(completed, 0, keep - 1).ConfigureAwait(false);
    }

    /// <summary>The signals taken for the run and not trimmed (<see cref="TrimTakenAsync"/>), oldest first.</summary>
    public async Task<IReadOnlyList<CompletionSignal>> ReadTakenAsync(string runId, CancellationToken cancellationToken = default)
    {
        var completed = _keys.RunCompleted(runId);
        await _guard.EnsureAsync(completed, RedisType.List, cancellationToken).ConfigureAwait(false);
        var values = await _connections.Database.ListRangeAsync(completed).ConfigureAwait(false);
        return values.Reverse().Select(v => Parse(completed, v.ToString())).ToList();
    }

    /// <summary>Signals pushed for the run that no Orchestrator has taken yet (they stay in place), oldest first.</summary>
    public async Task<IReadOnlyList<CompletionSignal>> ReadWaitingAsync(string runId, CancellationToken cancellationToken = default)
    {
        var done = _keys.RunDone(runId);
        await _guard.EnsureAsync(done, RedisType.List, cancellationToken).ConfigureAwait(false);
        var values = await _connections.Database.ListRangeAsync(done).ConfigureAwait(false);
        return values.Reverse().Select(v => Parse(done, v.ToString())).ToList();
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

    private static CompletionSignal Parse(string key, string json)
    {
        var read = TaskContractReader.ReadCompletionSignal(json);
        return read.Contract ?? throw new CoordinationFaultException(
            $"Coordination fault: '{key}' held an entry that is not a completion signal ({read.Error}); entry: {Truncate(json)}");
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

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
