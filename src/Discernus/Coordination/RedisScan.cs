using System.Globalization;
using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>SCAN MATCH over one database, de-duplicated (SCAN may return a key twice).</summary>
internal static class RedisScan
{
    public static async IAsyncEnumerable<string> KeysAsync(IDatabaseAsync database, string pattern, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var cursor = "0";
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var reply = (RedisResult[])(await database.ExecuteAsync("SCAN", cursor, "MATCH", pattern, "COUNT", 250).ConfigureAwait(false))!;
            cursor = reply[0].ToString();
            foreach (var key in (RedisResult[])reply[1]!)
            {
                var name = key.ToString();
                if (seen.Add(name))
                {
                    yield return name;
                }
            }
        }
        while (cursor != "0" && !string.IsNullOrEmpty(cursor) && ulong.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out _));
    }
}
