using System.Net;
using System.Net.Sockets;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Health;
using Discernus.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Discernus.Tests.Health;

public sealed class HealthCheckTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Redis_IsHealthy_WhenItAnswersARoundTrip()
    {
        var check = new RedisHealthCheck(() => redis.Connections.Database, new RedisKeys($"health-{Guid.NewGuid():N}:"), "redis-server under test");
        var result = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("round trip", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_IsUnhealthy_WhenNothingListens()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var options = RedisConnectionFactory.ForEndPoint(new IPEndPoint(IPAddress.Loopback, port)).CreateOptions("health-test");
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 500;
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
        var check = new RedisHealthCheck(() => connection.GetDatabase(), new RedisKeys(), "nothing");
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await check.CheckHealthAsync(new HealthCheckContext(), limit.Token);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("cannot reach nothing", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArtifactStore_IsHealthy_WhenAProbeObjectRoundTrips_AndUnhealthy_WhenItCannotBeWritten()
    {
        using var temp = new TempFolder();
        var store = new FolderArtifactStore(Path.Combine(temp.Path, "artifacts"));
        Assert.Equal(HealthStatus.Healthy, (await new ArtifactStoreHealthCheck(store).CheckHealthAsync(new HealthCheckContext())).Status);

        // A store whose folder was replaced by a file (a volume gone wrong) cannot take the probe.
        var blocked = Path.Combine(temp.Path, "blocked");
        var broken = new FolderArtifactStore(blocked);
        Directory.Delete(blocked, recursive: true);
        await File.WriteAllTextAsync(blocked, "not a folder");
        var result = await new ArtifactStoreHealthCheck(broken).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task ModelBreakers_AreDegraded_WhileOneIsOpen_NamingTheModel()
    {
        var open = await new ModelBreakersHealthCheck(() => [new("openai/gpt-4o", true), new("anthropic/claude", false)]).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, open.Status);
        Assert.Contains("openai/gpt-4o", open.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("anthropic/claude", open.Description, StringComparison.Ordinal);

        var closed = await new ModelBreakersHealthCheck(() => [new("anthropic/claude", false)]).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, closed.Status);
    }
}
