using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// Checks a key's TYPE before a component first uses it, and turns a later WRONGTYPE reply into the same
/// <see cref="CoordinationFaultException"/>. The pre-check matters inside MULTI/EXEC: Redis does not roll back, so a
/// WRONGTYPE on the second command would leave the first one applied (e.g. a task removed but never signalled).
/// </summary>
internal sealed class KeyTypeGuard
{
    private readonly IDatabaseAsync _database;
    private readonly ConcurrentDictionary<string, byte> _verified = new(StringComparer.Ordinal);

    public KeyTypeGuard(IDatabaseAsync database)
    {
        _database = database;
    }

    // Garnet prefixes errors raised by Lua scripts with "ERR ".
    public static bool IsWrongType(RedisServerException exception) =>
        exception.Message.StartsWith("WRONGTYPE", StringComparison.OrdinalIgnoreCase)
        || exception.Message.StartsWith("ERR WRONGTYPE", StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws <see cref="CoordinationFaultException"/> when the key exists with another type; checked once per key.</summary>
    public async Task EnsureAsync(string key, RedisType expected, CancellationToken cancellationToken = default)
    {
        if (_verified.ContainsKey(key))
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var actual = await _database.KeyTypeAsync(key).ConfigureAwait(false);
        if (actual != RedisType.None && actual != expected)
        {
            throw CoordinationFaultException.WrongType(key, expected, actual);
        }

        _verified.TryAdd(key, 0);
    }

    /// <summary>Builds the fault for a WRONGTYPE reply by finding which of the keys involved has the wrong type.</summary>
    public async Task<CoordinationFaultException> FaultAsync(RedisServerException exception, params (string Key, RedisType Expected)[] keys)
    {
        foreach (var (key, expected) in keys)
        {
            _verified.TryRemove(key, out _);
            RedisType actual;
            try
            {
                actual = await _database.KeyTypeAsync(key).ConfigureAwait(false);
            }
            catch (RedisException)
            {
                continue;
            }

            if (actual != RedisType.None && actual != expected)
            {
                return CoordinationFaultException.WrongType(key, expected, actual, exception);
            }
        }

        // The culprit changed type again before we looked; still name every key involved.
        var names = string.Join(", ", keys.Select(k => $"'{k.Key}' (expects {RedisTypeNames.Of(k.Expected)})"));
        return new CoordinationFaultException(
            $"Coordination fault: Redis answered WRONGTYPE for one of {names}. Fix: delete the key with `DEL <key>` or choose another prefix with {RedisKeys.PrefixEnvironmentVariable}.",
            exception);
    }
}
