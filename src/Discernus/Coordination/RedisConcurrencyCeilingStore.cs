using System.Globalization;
using Discernus.Models;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// The concurrency ceiling the processes calling one model endpoint learn together, in one
/// <c>ratelimit:{name}</c> hash on the shared Redis: a field per process (<c>m:{member}</c> = its limit and when it
/// last reported, on the server's clock) and the <c>ceiling</c>. One Lua script per report: processes silent for a
/// minute are dropped; an overload sets the ceiling to half of what every process together had in flight (as AIMD halves
/// a window), unless one already set it lower; a clean window raises it by one, up to the maximum. The hash expires when
/// nobody reports for ten minutes.
/// </summary>
internal sealed class RedisConcurrencyCeilingStore(RedisConnections connections, RedisKeys keys) : IConcurrencyCeilingStore
{
    private const long StaleMilliseconds = 60_000;
    private const long TimeToLiveMilliseconds = 600_000;

    // ARGV: member, peak, limit, decision, max, stale ms, ttl ms. Returns {ceiling or -1, members}.
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local me = 'm:' .. ARGV[1]
        local others, members = 0, 1
        local all = redis.call('HGETALL', KEYS[1])
        for i = 1, #all, 2 do
          local field, value = all[i], all[i + 1]
          if string.sub(field, 1, 2) == 'm:' and field ~= me then
            local sep = string.find(value, ':', 1, true)
            local limit = tonumber(string.sub(value, 1, sep - 1))
            local at = tonumber(string.sub(value, sep + 1))
            if limit == nil or at == nil or now - at > tonumber(ARGV[6]) then
              redis.call('HDEL', KEYS[1], field)
            else
              others = others + limit
              members = members + 1
            end
          end
        end
        local ceiling = tonumber(redis.call('HGET', KEYS[1], 'ceiling'))
        local max = tonumber(ARGV[5])
        if ARGV[4] == 'overload' then
          local learnt = math.max(1, math.floor((others + tonumber(ARGV[2])) / 2))
          if ceiling == nil or learnt < ceiling then ceiling = learnt end
        elseif ARGV[4] == 'clean' and ceiling ~= nil then
          ceiling = math.min(max, ceiling + 1)
        end
        redis.call('HSET', KEYS[1], me, ARGV[3] .. ':' .. now)
        if ceiling ~= nil then redis.call('HSET', KEYS[1], 'ceiling', ceiling) end
        redis.call('PEXPIRE', KEYS[1], ARGV[7])
        return {ceiling or -1, members}
        """;

    public async ValueTask<ConcurrencyCeiling> ReportAsync(string name, string member, int peak, int limit, string decision, int max, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = keys.RateLimit(name);
        try
        {
            var result = (RedisResult[])(await connections.Database.ScriptEvaluateAsync(
                Script,
                [key],
                [member, Number(peak), Number(limit), decision, Number(max), StaleMilliseconds, TimeToLiveMilliseconds]).ConfigureAwait(false))!;
            var ceiling = (long)result[0];
            return new ConcurrencyCeiling(ceiling < 0 ? null : (int)ceiling, (int)(long)result[1]);
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw CoordinationFaultException.WrongType(key, RedisType.Hash, await connections.Database.KeyTypeAsync(key).ConfigureAwait(false));
        }
    }

    private static RedisValue Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
