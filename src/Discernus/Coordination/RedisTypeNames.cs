using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>Redis's own names for key types (what TYPE prints), used in messages and the audit.</summary>
internal static class RedisTypeNames
{
    public static string Of(RedisType type) => type switch
    {
        RedisType.None => "none",
        RedisType.String => "string",
        RedisType.List => "list",
        RedisType.Set => "set",
        RedisType.SortedSet => "zset",
        RedisType.Hash => "hash",
        RedisType.Stream => "stream",
        _ => type.ToString().ToLowerInvariant(),
    };
}
