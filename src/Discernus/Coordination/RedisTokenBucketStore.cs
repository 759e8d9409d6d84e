using System.Globalization;
using Discernus.Models;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// The model gateway's token buckets on the shared Redis (<c>ratelimit:{bucket}</c> hashes), so every worker on one
/// Redis shares the requests- and tokens-per-minute limits. Each operation is one Lua script on the shared multiplexer:
/// it refills the bucket by the time elapsed on the Redis server's clock (<c>TIME</c>, the same for every worker),
/// then takes or adjusts atomically. Keys expire once a bucket would be full again, so idle limits leave nothing behind.
/// Needs a server that runs Lua scripts (Redis 6.2+, Valkey; Garnet only when started with <c>--lua</c>).
/// </summary>
internal sealed class RedisTokenBucketStore(RedisConnections connections, RedisKeys keys) : ITokenBucketStore
{
    // ARGV: capacity, refill per millisecond, amount, mode ("take" | "adjust"), ttl ms. Returns the wait in ms (0 = taken).
    private const string Script = """
        local capacity = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local amount = tonumber(ARGV[3])
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1])
        local at = tonumber(state[2])
        if tokens == nil or at == nil then
          tokens = capacity
          at = now
        end
        if now > at then
          tokens = math.min(capacity, tokens + (now - at) * rate)
          at = now
        end
        local wait = 0
        if ARGV[4] == 'take' then
          local need = math.min(amount, capacity)
          if tokens >= need then
            tokens = tokens - amount
          else
            wait = math.ceil((need - tokens) / rate)
          end
        else
          tokens = math.min(capacity, tokens - amount)
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return wait
        """;

    public async ValueTask<TimeSpan> TryTakeAsync(string bucket, TokenBucketLimit limit, double amount, CancellationToken cancellationToken = default)
    {
        var wait = await RunAsync(bucket, limit, amount, "take", cancellationToken).ConfigureAwait(false);
        return TimeSpan.FromMilliseconds(wait);
    }

    public async ValueTask AdjustAsync(string bucket, TokenBucketLimit limit, double amount, CancellationToken cancellationToken = default) =>
        await RunAsync(bucket, limit, amount, "adjust", cancellationToken).ConfigureAwait(false);

    private async Task<long> RunAsync(string bucket, TokenBucketLimit limit, double amount, string mode, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = keys.RateLimit(bucket);
        var ttl = (long)Math.Max(60_000, Math.Ceiling(2000 * limit.Capacity / limit.PerSecond));
        try
        {
            var result = await connections.Database.ScriptEvaluateAsync(
                Script,
                [key],
                [Number(limit.Capacity), Number(limit.PerSecond / 1000), Number(amount), mode, ttl]).ConfigureAwait(false);
            return (long)result;
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw CoordinationFaultException.WrongType(key, RedisType.Hash, await connections.Database.KeyTypeAsync(key).ConfigureAwait(false));
        }
        catch (RedisServerException ex) when (ex.Message.Contains("unknown command", StringComparison.OrdinalIgnoreCase)
                                              || ex.Message.Contains("scripting", StringComparison.OrdinalIgnoreCase))
        {
            throw new CoordinationFaultException(
                $"the Redis at {connections.Description} does not run Lua scripts ({ex.Message}), which the shared model rate limits need: " +
                "use Redis 6.2+ or Valkey, start Garnet with --lua, or unset DISCERNUS_MODEL_REQUESTS_PER_MINUTE and DISCERNUS_MODEL_TOKENS_PER_MINUTE.");
        }
    }

    private static RedisValue Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
