using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Discernus.Coordination;
using Discernus.Tests.Infrastructure;
using StackExchange.Redis;

namespace Discernus.Tests.Coordination;

/// <summary>
/// The Redis checks of `discernus doctor` against real servers: the shared redis-server and Garnet fixtures when the
/// test only reads, and a redis-server of its own when the test changes its configuration.
/// </summary>
public sealed class RedisDoctorTests(RedisServerFixture redis, GarnetServerFixture garnet)
    : IClassFixture<RedisServerFixture>, IClassFixture<GarnetServerFixture>
{
    private const string Fix = "check the test server";

    private readonly RedisKeys _keys = new($"discernus-test-{Guid.NewGuid():N}:");

    [Fact]
    public async Task HealthyRedisServer_PassesEveryCheck_AndLeavesNoProbeKeys()
    {
        var checks = await new RedisDoctor(redis.ConnectionFactory, _keys, "test redis-server", Fix).CheckAsync();

        Assert.Equal(
            [RedisDoctor.Reachable, RedisDoctor.Version, RedisDoctor.EvictionPolicy, RedisDoctor.Scripting, RedisDoctor.BlockingMove],
            checks.Select(c => c.Name));
        Assert.All(checks, c => Assert.True(c.Status == DoctorStatus.Pass, $"{c.Name}: {c.Status} {c.Detail}"));
        Assert.StartsWith("Redis 7", checks[1].Detail, StringComparison.Ordinal);
        Assert.StartsWith("noeviction", checks[2].Detail, StringComparison.Ordinal);
        await foreach (var key in RedisScan.KeysAsync(redis.Connections.Database, _keys.AllKeysPattern))
        {
            Assert.Fail($"the doctor left {key} behind");
        }
    }

    [Fact]
    public async Task EmbeddedGarnet_PassesEveryCheck_AndIsNamedAsGarnet()
    {
        var checks = await new RedisDoctor(garnet.ConnectionFactory, _keys, "test Garnet", Fix).CheckAsync();

        Assert.All(checks, c => Assert.True(c.Status == DoctorStatus.Pass, $"{c.Name}: {c.Status} {c.Detail}"));
        Assert.StartsWith("Garnet ", checks.Single(c => c.Name == RedisDoctor.Version).Detail, StringComparison.Ordinal);
        Assert.Contains("no eviction policy", checks.Single(c => c.Name == RedisDoctor.EvictionPolicy).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvictingPolicy_FailsWithTheConfigSetCommandThatFixesIt()
    {
        var own = new RedisServerFixture();
        await own.InitializeAsync();
        try
        {
            await AdminAsync(own, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru");

            var checks = await new RedisDoctor(own.ConnectionFactory, _keys, "test redis-server", Fix).CheckAsync();

            var policy = checks.Single(c => c.Name == RedisDoctor.EvictionPolicy);
            Assert.Equal(DoctorStatus.Fail, policy.Status);
            Assert.Contains("allkeys-lru", policy.Detail, StringComparison.Ordinal);
            Assert.Contains(
                string.Create(CultureInfo.InvariantCulture, $"redis-cli -h 127.0.0.1 -p {own.Port} CONFIG SET maxmemory-policy noeviction"),
                policy.Fix, StringComparison.Ordinal);
            Assert.All(checks.Where(c => c != policy), c => Assert.Equal(DoctorStatus.Pass, c.Status));
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task RefusedConfigAndScripting_AreReported_WithoutPrintingThePassword()
    {
        const string password = "doctor-test-password-Xq7";
        var own = new RedisServerFixture();
        await own.InitializeAsync();
        try
        {
            // A user like a managed service gives: no CONFIG, no INFO, no scripting.
            await AdminAsync(own, "ACL", "SETUSER", "limited", "on", ">" + password, "~*", "&*", "+@all", "-config", "-info", "-@scripting");
            var factory = RedisConnectionFactory.Parse(string.Create(CultureInfo.InvariantCulture, $"redis://limited:{password}@127.0.0.1:{own.Port}"));

            var checks = await new RedisDoctor(factory, _keys, factory.Description, Fix).CheckAsync();

            Assert.Equal(DoctorStatus.Pass, checks.Single(c => c.Name == RedisDoctor.Reachable).Status);
            var version = checks.Single(c => c.Name == RedisDoctor.Version);
            Assert.Equal(DoctorStatus.Pass, version.Status); // from HELLO when INFO is refused
            Assert.StartsWith("Redis 7", version.Detail, StringComparison.Ordinal);
            var policy = checks.Single(c => c.Name == RedisDoctor.EvictionPolicy);
            Assert.Equal(DoctorStatus.Warn, policy.Status);
            Assert.StartsWith("could not be checked", policy.Detail, StringComparison.Ordinal);
            var lua = checks.Single(c => c.Name == RedisDoctor.Scripting);
            Assert.Equal(DoctorStatus.Fail, lua.Status);
            Assert.Contains("Lua scripts", lua.Fix, StringComparison.Ordinal);
            Assert.Equal(DoctorStatus.Pass, checks.Single(c => c.Name == RedisDoctor.BlockingMove).Status);
            Assert.All(checks, c => Assert.DoesNotContain(password, c.Detail + c.Fix, StringComparison.Ordinal));
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task UnreachableServer_FailsWithTheFix_AndSkipsTheRest()
    {
        var factory = RedisConnectionFactory.Parse(string.Create(CultureInfo.InvariantCulture, $"redis://127.0.0.1:{ClosedPort()}"));

        var checks = await new RedisDoctor(factory, _keys, factory.Description, "Check DISCERNUS_REDIS_URL").CheckAsync();

        var reachable = checks[0];
        Assert.Equal((RedisDoctor.Reachable, DoctorStatus.Fail), (reachable.Name, reachable.Status));
        Assert.Contains(factory.Description, reachable.Detail, StringComparison.Ordinal);
        Assert.Equal("Check DISCERNUS_REDIS_URL", reachable.Fix);
        Assert.All(checks.Skip(1), c => Assert.Equal(DoctorStatus.Skip, c.Status));
    }

    /// <summary>A command the client library only sends on a connection allowed to administer the server.</summary>
    private static async Task AdminAsync(RedisServerFixture server, string command, params object[] arguments)
    {
        var options = server.ConnectionFactory.CreateOptions("discernus-test-admin");
        options.AllowAdmin = true;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(options);
        await admin.GetDatabase().ExecuteAsync(command, arguments);
    }

    /// <summary>A loopback port nothing listens on: bound, read and released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
