namespace Discernus.Coordination;

/// <summary>
/// The conditional settle operations of ARCHITECTURE.md as Lua scripts: each acts only when the task id is still in
/// the caller's processing list (LREM removed it), so a worker whose task was recovered and handed to another worker
/// cannot push a second copy or signal twice. Each returns 0 when the task was no longer there, which also makes a
/// retry after a lost reply harmless. Key types are checked first: Redis does not roll back a script that fails
/// half-way, and a task removed from processing but never signalled would be lost.
/// </summary>
internal static class RedisScripts
{
    // Statuses after which a run reads no more completion signals: Provenance.RunStatus's final values.
    private const string TypeCheck = """
        local function wrong(key, want)
          local t = redis.call('TYPE', key)['ok']
          return t ~= 'none' and t ~= want
        end
        local function ended(state)
          local s = redis.call('HGET', state, 'status')
          return s == 'completed' or s == 'completed_with_failures' or s == 'failed' or s == 'cancelled'
        end
        """;

    /// <summary>Result of a settle script.</summary>
    public const long NotOwned = 0;

    public const long Applied = 1;

    public const long SignalDropped = 2;

    /// <summary>
    /// KEYS: processing, done, data, attempts, state. ARGV: task id, signal JSON ('' for none). Removes the claim,
    /// deletes the task's keys and pushes the signal unless the run has already ended (2) or no signal is given.
    /// </summary>
    public const string Ack = TypeCheck + """

        if wrong(KEYS[1], 'list') then return redis.error_reply('WRONGTYPE ' .. KEYS[1]) end
        if ARGV[2] ~= '' then
          if wrong(KEYS[2], 'list') then return redis.error_reply('WRONGTYPE ' .. KEYS[2]) end
          if wrong(KEYS[5], 'hash') then return redis.error_reply('WRONGTYPE ' .. KEYS[5]) end
        end
        if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
        redis.call('DEL', KEYS[3], KEYS[4])
        if ARGV[2] == '' then return 1 end
        if ended(KEYS[5]) then return 2 end
        redis.call('LPUSH', KEYS[2], ARGV[2])
        return 1
        """;

    /// <summary>
    /// KEYS: processing, source, attempts. ARGV: task id, 'front' (claimed next) or 'back' (behind every waiting task,
    /// and the claim does not count as an attempt: the worker could not reach the run's artifact store).
    /// </summary>
    public const string Requeue = TypeCheck + """

        if wrong(KEYS[1], 'list') then return redis.error_reply('WRONGTYPE ' .. KEYS[1]) end
        if wrong(KEYS[2], 'list') then return redis.error_reply('WRONGTYPE ' .. KEYS[2]) end
        if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
        if ARGV[2] == 'back' then
          redis.call('LPUSH', KEYS[2], ARGV[1])
          if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('DECR', KEYS[3]) end
        else
          redis.call('RPUSH', KEYS[2], ARGV[1])
        end
        return 1
        """;

    /// <summary>
    /// KEYS: processing, dead, done, data, attempts, state. ARGV: task id, dead-letter entry JSON, signal JSON ('' for
    /// none), how many entries <c>dead</c> keeps. Moves the claim to <c>dead</c> and signals the failure to a run that
    /// still reads signals.
    /// </summary>
    public const string DeadLetter = TypeCheck + """

        if wrong(KEYS[1], 'list') then return redis.error_reply('WRONGTYPE ' .. KEYS[1]) end
        if wrong(KEYS[2], 'list') then return redis.error_reply('WRONGTYPE ' .. KEYS[2]) end
        if ARGV[3] ~= '' then
          if wrong(KEYS[3], 'list') then return redis.error_reply('WRONGTYPE ' .. KEYS[3]) end
          if wrong(KEYS[6], 'hash') then return redis.error_reply('WRONGTYPE ' .. KEYS[6]) end
        end
        if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
        redis.call('LPUSH', KEYS[2], ARGV[2])
        redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[4]) - 1)
        redis.call('DEL', KEYS[4], KEYS[5])
        if ARGV[3] == '' then return 1 end
        if ended(KEYS[6]) then return 2 end
        redis.call('LPUSH', KEYS[3], ARGV[3])
        return 1
        """;

    /// <summary>
    /// KEYS: done, completed. ARGV: most signals to take. Moves up to that many completion signals, oldest first, from a
    /// run's done list into its completed list in one step and returns them.
    /// </summary>
    public const string TakeSignals = TypeCheck + """

        if wrong(KEYS[1], 'list') then return redis.error_reply('WRONGTYPE ' .. KEYS[1]) end
        if wrong(KEYS[2], 'list') then return redis.error_reply('WRONGTYPE ' .. KEYS[2]) end
        local taken = {}
        for i = 1, tonumber(ARGV[1]) do
          local signal = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
          if not signal then break end
          taken[#taken + 1] = signal
        end
        return taken
        """;

    /// <summary>
    /// KEYS: processing, data. ARGV: task id, contract JSON, data TTL in seconds. Restores a claim Redis lost: the
    /// contract, and the id in the processing list unless it is there already. Returns 1.
    /// </summary>
    public const string RestoreClaim = TypeCheck + """

        if wrong(KEYS[1], 'list') then return redis.error_reply('WRONGTYPE ' .. KEYS[1]) end
        redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
        for _, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
          if item == ARGV[1] then return 1 end
        end
        redis.call('LPUSH', KEYS[1], ARGV[1])
        return 1
        """;

    /// <summary>
    /// KEYS: state, heartbeat of the current holder (or any key when none is recorded). ARGV: field, this
    /// Orchestrator's id. Takes a run over when no live Orchestrator holds it: 1 taken (or already ours), 0 held by a
    /// live one.
    /// </summary>
    public const string TakeOverRun = TypeCheck + """

        if wrong(KEYS[1], 'hash') then return redis.error_reply('WRONGTYPE ' .. KEYS[1]) end
        local holder = redis.call('HGET', KEYS[1], ARGV[1])
        if holder and holder ~= ARGV[2] and redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        return 1
        """;
}
