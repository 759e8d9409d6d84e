using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// Redis answers: PING, then a write, read and delete of a short-lived probe key under the installation's prefix (a
/// server that answers PING but loses or rewrites keys cannot coordinate). The same check serves a worker's
/// <c>/readyz</c> and <c>discernus doctor</c>'s "Redis reachable" line; the caller bounds how long it may take.
/// </summary>
internal sealed class RedisHealthCheck(Func<IDatabase> database, RedisKeys keys, string target) : IHealthCheck
{
    public const string Name = "redis";

    private static readonly TimeSpan ProbeTtl = TimeSpan.FromMinutes(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var db = database();
            var latency = await db.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var key = $"{keys.Prefix}doctor:{Guid.NewGuid():N}:roundtrip";
            var value = Guid.NewGuid().ToString("N");
            try
            {
                await db.StringSetAsync(key, value, ProbeTtl).WaitAsync(cancellationToken).ConfigureAwait(false);
                var read = await db.StringGetAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false);
                if (read != value)
                {
                    return HealthCheckResult.Unhealthy(
                        $"{target} answered, but a key written under '{keys.Prefix}' read back as {(read.IsNull ? "nothing" : "something else")}");
                }
            }
            finally
            {
                await db.KeyDeleteAsync(key, CommandFlags.FireAndForget).ConfigureAwait(false);
            }

            return HealthCheckResult.Healthy(
                $"{target} answered PING ({latency.TotalMilliseconds:F0} ms) and a write/read/delete round trip under prefix '{keys.Prefix}'");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"cannot reach {target}: {RedisTransience.Describe(ex)}", ex);
        }
    }
}
