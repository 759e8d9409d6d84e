using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// The Redis half of <c>discernus doctor</c>: the server answers and round-trips a key; it is Redis 6.2+ (or Valkey,
/// or Garnet); it does not evict keys; it runs Lua scripts (the settles are scripts); it has BLMOVE (the claims).
/// Every probe key lives under the prefix with a short TTL and is deleted afterwards.
/// </summary>
internal sealed class RedisDoctor
{
    public const string Reachable = "redis";
    public const string Version = "redis_version";
    public const string EvictionPolicy = "maxmemory_policy";
    public const string Scripting = "lua";
    public const string BlockingMove = "blmove";

    public static readonly Version MinimumVersion = new(6, 2);

    private static readonly TimeSpan ProbeTtl = TimeSpan.FromMinutes(1);

    private readonly RedisConnectionFactory _factory;
    private readonly RedisKeys _keys;
    private readonly string _target;
    private readonly string _unreachableFix;
    private readonly TimeSpan _connectLimit;

    /// <param name="target">Where Redis is, for messages (the URL without its password, or "embedded Garnet at ...").</param>
    /// <param name="unreachableFix">What to do when the server cannot be reached.</param>
    public RedisDoctor(RedisConnectionFactory factory, RedisKeys keys, string target, string unreachableFix, TimeSpan? connectLimit = null)
    {
        _factory = factory;
        _keys = keys;
        _target = target;
        _unreachableFix = unreachableFix;
        _connectLimit = connectLimit ?? TimeSpan.FromSeconds(10);
    }

    /// <summary>The checks that need a server, skipped with <paramref name="reason"/> (when there is none to ask).</summary>
    public static IReadOnlyList<DoctorCheck> Skipped(string reason) =>
    [
        DoctorCheck.Skip(Version, "Server version", reason),
        DoctorCheck.Skip(EvictionPolicy, "maxmemory-policy", reason),
        DoctorCheck.Skip(Scripting, "Lua scripting", reason),
        DoctorCheck.Skip(BlockingMove, "BLMOVE", reason),
    ];

    public async Task<IReadOnlyList<DoctorCheck>> CheckAsync(CancellationToken cancellationToken = default)
    {
        var options = _factory.CreateOptions("discernus-doctor");
        // INFO and CONFIG are "admin" commands to the client library, which refuses them unless allowed.
        options.AllowAdmin = true;
        options.ConnectRetry = 1;
        options.AbortOnConnectFail = true;
        ConnectionMultiplexer? connection = null;
        try
        {
            var checks = new List<DoctorCheck>();
            try
            {
                connection = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(_connectLimit, cancellationToken).ConfigureAwait(false);
                checks.Add(await RoundTripAsync(connection.GetDatabase()).WaitAsync(_connectLimit, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or SocketException)
            {
                var reason = $"cannot reach {_target}";
                return [DoctorCheck.Fail(Reachable, "Redis reachable", $"{reason}: {Explain(ex)}", _unreachableFix), .. Skipped("not checked: " + reason)];
            }

            var database = connection.GetDatabase();
            var server = await IdentifyAsync(database).ConfigureAwait(false);
            checks.Add(server.Check);
            checks.Add(await CheckEvictionPolicyAsync(database, server.IsGarnet).ConfigureAwait(false));
            checks.Add(await CheckScriptingAsync(database, server.IsGarnet).ConfigureAwait(false));
            checks.Add(await CheckBlockingMoveAsync(database).ConfigureAwait(false));
            return checks;
        }
        finally
        {
            if (connection is not null)
            {
                await connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
                connection.Dispose();
            }
        }
    }

    /// <summary>
    /// Only the maxmemory-policy check, on its own short-lived admin connection: `run` and `worker` make it before they
    /// serve anything, since an evicting server can silently drop queued tasks, claims and run state.
    /// </summary>
    public async Task<DoctorCheck> CheckEvictionAsync(CancellationToken cancellationToken = default)
    {
        var options = _factory.CreateOptions("discernus-eviction-check");
        options.AllowAdmin = true;
        options.ConnectRetry = 1;
        options.AbortOnConnectFail = true;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(_connectLimit, cancellationToken).ConfigureAwait(false);
        var database = connection.GetDatabase();
        var server = await IdentifyAsync(database).ConfigureAwait(false);
        return await CheckEvictionPolicyAsync(database, server.IsGarnet).ConfigureAwait(false);
    }

    private async Task<DoctorCheck> RoundTripAsync(IDatabase database)
    {
        // The same check a worker's /readyz runs.
        var health = await new RedisHealthCheck(() => database, _keys, _target)
            .CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext()).ConfigureAwait(false);
        if (health.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
        {
            return DoctorCheck.Pass(Reachable, "Redis reachable", health.Description!);
        }

        // A server that cannot be reached throws, as before, so the doctor skips the checks that need it.
        if (health.Exception is { } unreachable)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(unreachable);
        }

        return DoctorCheck.Fail(Reachable, "Redis reachable", health.Description!,
            "Check that nothing else rewrites or evicts keys under this prefix (another program, a proxy, an evicting maxmemory-policy), or choose another DISCERNUS_REDIS_PREFIX.");
    }

    private async Task<(DoctorCheck Check, bool IsGarnet)> IdentifyAsync(IDatabase database)
    {
        const string title = "Server version";
        IReadOnlyDictionary<string, string> fields;
        try
        {
            fields = ParseInfo((await database.ExecuteAsync("INFO", "server").ConfigureAwait(false)).ToString());
        }
        catch (RedisServerException infoRefused)
        {
            try
            {
                // HELLO (Redis 6+) also names the server and its version, and needs no admin rights.
                fields = ParsePairs(await database.ExecuteAsync("HELLO").ConfigureAwait(false));
            }
            catch (RedisServerException)
            {
                return (DoctorCheck.Warn(Version, title, $"could not be determined: INFO was refused ({OneLine(infoRefused.Message)}) and so was HELLO",
                    "Make sure the server is Redis 6.2 or later, Valkey or Garnet; the BLMOVE check below tells whether claims will work."), false);
            }
        }

        if (fields.GetValueOrDefault("garnet_version") is { } garnet)
        {
            var compatible = fields.GetValueOrDefault("redis_version") ?? fields.GetValueOrDefault("version");
            return (DoctorCheck.Pass(Version, title, $"Garnet {garnet}{(compatible is null ? "" : $" (answers as Redis {compatible})")}"), true);
        }

        if (fields.GetValueOrDefault("valkey_version") is { } valkey)
        {
            return (DoctorCheck.Pass(Version, title, $"Valkey {valkey}"), false);
        }

        var text = fields.GetValueOrDefault("redis_version") ?? fields.GetValueOrDefault("version");
        if (text is null || !System.Version.TryParse(text.Split('-')[0], out var version))
        {
            return (DoctorCheck.Warn(Version, title, $"the server did not say which version it is{(text is null ? "" : $" ('{text}')")}",
                "Make sure the server is Redis 6.2 or later, Valkey or Garnet; the BLMOVE check below tells whether claims will work."), false);
        }

        return version >= MinimumVersion
            ? (DoctorCheck.Pass(Version, title, $"Redis {text} (6.2 or later needed)"), false)
            : (DoctorCheck.Fail(Version, title, $"Redis {text} is older than 6.2, which Discernus needs (BLMOVE and LMOVE claim tasks)",
                "Upgrade the server to Redis 6.2 or later, or use Valkey or Garnet; or unset DISCERNUS_REDIS_URL to use the embedded Garnet server."), false);
    }

    private async Task<DoctorCheck> CheckEvictionPolicyAsync(IDatabase database, bool isGarnet)
    {
        const string title = "maxmemory-policy";
        RedisResult reply;
        try
        {
            reply = await database.ExecuteAsync("CONFIG", "GET", "maxmemory-policy").ConfigureAwait(false);
        }
        catch (RedisServerException ex)
        {
            return DoctorCheck.Warn(EvictionPolicy, title, $"could not be checked: CONFIG GET was refused ({OneLine(ex.Message)})",
                "Make sure the server's maxmemory-policy is noeviction (ask its administrator, or see your provider's settings): an evicting policy can silently drop queued tasks, claims and run state.");
        }

        var policy = ParsePairs(reply).GetValueOrDefault("maxmemory-policy");
        if (policy is null)
        {
            return isGarnet
                ? DoctorCheck.Pass(EvictionPolicy, title, "Garnet has no eviction policy; keep its log memory (--memory) well above your runs' coordination data, or give it a storage tier, as it drops the oldest records when memory runs out without one")
                : DoctorCheck.Warn(EvictionPolicy, title, "could not be checked: the server did not report a maxmemory-policy",
                    "Make sure the server does not evict keys (maxmemory-policy noeviction): an evicting policy can silently drop queued tasks, claims and run state.");
        }

        if (policy.Equals("noeviction", StringComparison.OrdinalIgnoreCase))
        {
            return DoctorCheck.Pass(EvictionPolicy, title, "noeviction: a full server refuses writes (an error Discernus reports) instead of dropping keys");
        }

        return DoctorCheck.Fail(EvictionPolicy, title,
            $"{policy}: when memory fills up the server deletes keys on its own, which can silently drop queued tasks, claims, task data and run state",
            $"Run `{RedisCli()} CONFIG SET maxmemory-policy noeviction`, and put `maxmemory-policy noeviction` in redis.conf so that it survives a restart.");
    }

    private static async Task<DoctorCheck> CheckScriptingAsync(IDatabase database, bool isGarnet)
    {
        const string title = "Lua scripting";
        var fix = isGarnet
            ? "Start Garnet with --lua (and --lua-transaction-mode, so scripts are atomic): the coordination settles (ack, requeue, dead-letter) are Lua scripts."
            : "Allow EVAL for this connection (scripting disabled by ACL, e.g. -@scripting, or by rename-command): the coordination settles (ack, requeue, dead-letter) are Lua scripts.";
        try
        {
            var reply = await database.ExecuteAsync("EVAL", "return 1", 0).ConfigureAwait(false);
            return reply.Resp2Type == ResultType.Integer && (long)reply == 1
                ? DoctorCheck.Pass(Scripting, title, "EVAL 'return 1' returned 1")
                : DoctorCheck.Fail(Scripting, title, $"EVAL 'return 1' returned '{reply}' instead of 1", fix);
        }
        catch (RedisServerException ex)
        {
            return DoctorCheck.Fail(Scripting, title, $"EVAL was refused: {OneLine(ex.Message)}", fix);
        }
    }

    private async Task<DoctorCheck> CheckBlockingMoveAsync(IDatabase database)
    {
        const string title = "BLMOVE";
        var from = ProbeKey("blmove-from");
        var to = ProbeKey("blmove-to");
        var value = Guid.NewGuid().ToString("N");
        try
        {
            await database.ListRightPushAsync(from, value).ConfigureAwait(false);
            await database.KeyExpireAsync(from, ProbeTtl).ConfigureAwait(false);
            // The source holds an item, so this returns at once; the server-side timeout only bounds a surprise.
            var moved = await database.ExecuteAsync("BLMOVE", from, to, "RIGHT", "LEFT", 1).ConfigureAwait(false);
            await database.KeyExpireAsync(to, ProbeTtl).ConfigureAwait(false);
            var landed = await database.ListRangeAsync(to).ConfigureAwait(false);
            return moved.ToString() == value && landed.Length == 1 && landed[0] == value
                ? DoctorCheck.Pass(BlockingMove, title, "BLMOVE moved an item from one list to another")
                : DoctorCheck.Fail(BlockingMove, title, "BLMOVE answered but did not move the probe item",
                    "Use Redis 6.2 or later, Valkey or Garnet: workers claim tasks with BLMOVE.");
        }
        catch (RedisServerException ex)
        {
            return DoctorCheck.Fail(BlockingMove, title, $"BLMOVE was refused: {OneLine(ex.Message)}",
                "Use Redis 6.2 or later, Valkey or Garnet, and allow BLMOVE for this connection: workers claim tasks with BLMOVE.");
        }
        finally
        {
            await database.KeyDeleteAsync([from, to]).ConfigureAwait(false);
        }
    }

    private string ProbeKey(string purpose) => $"{_keys.Prefix}doctor:{Guid.NewGuid():N}:{purpose}";

    /// <summary>A redis-cli invocation for this server, without the password.</summary>
    private string RedisCli()
    {
        var options = _factory.CreateOptions();
        var (host, port) = options.EndPoints.FirstOrDefault() switch
        {
            DnsEndPoint dns => (dns.Host, dns.Port > 0 ? dns.Port : RedisConnectionFactory.DefaultPort),
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            _ => ("<host>", RedisConnectionFactory.DefaultPort),
        };
        var command = string.Create(CultureInfo.InvariantCulture, $"redis-cli -h {host} -p {port}");
        if (options.Ssl)
        {
            command += " --tls";
        }

        if (!string.IsNullOrEmpty(options.User))
        {
            command += " --user " + options.User;
        }

        if (!string.IsNullOrEmpty(options.Password))
        {
            command += " --askpass";
        }

        return command;
    }

    private static string Explain(Exception exception)
    {
        // The innermost socket error says most ("Connection refused"); client messages can be long and tutorial-like.
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.Message;
            }
        }

        return exception switch
        {
            RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure } => "the server refused the credentials (check the user and password in the URL)",
            RedisConnectionException { FailureType: ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection } =>
                "no connection could be made (nothing listens there, the address is wrong or unreachable, or a firewall is in the way)",
            RedisConnectionException connection => $"connection failed ({connection.FailureType})",
            RedisTimeoutException or TimeoutException => "no answer in time",
            _ => OneLine(exception.Message),
        };
    }

    private static string OneLine(string text) => text.Split('\n')[0].Trim();

    private static Dictionary<string, string> ParseInfo(string info)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in info.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && !line.StartsWith('#'))
            {
                fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return fields;
    }

    /// <summary>A flat [name, value, name, value, ...] reply (CONFIG GET, HELLO) as a dictionary; nested values are skipped.</summary>
    private static Dictionary<string, string> ParsePairs(RedisResult reply)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reply.Resp2Type != ResultType.Array)
        {
            return fields;
        }

        var items = (RedisResult[])reply!;
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            if (items[i + 1].Resp2Type != ResultType.Array)
            {
                fields[items[i].ToString()] = items[i + 1].ToString();
            }
        }

        return fields;
    }
}
