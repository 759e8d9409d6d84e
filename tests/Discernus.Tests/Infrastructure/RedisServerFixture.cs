using System.Net;
using Discernus.Coordination;

namespace Discernus.Tests.Infrastructure;

/// <summary>
/// A real redis-server process on a free loopback port, without persistence. A missing binary fails the tests
/// that use it (never skips them): the coordination code must be proven against real Redis as well as Garnet.
/// </summary>
public sealed class RedisServerFixture : IRedisTestServer, IAsyncLifetime
{
    private RedisServerProcess? _server;
    private RedisConnections? _connections;

    public string Name => "redis-server";

    public int Port => _server?.Port ?? throw new InvalidOperationException("The redis-server fixture is not initialized.");

    RedisConnectionFactory IRedisTestServer.ConnectionFactory => ConnectionFactory;

    RedisConnections IRedisTestServer.Connections => Connections;

    internal RedisConnectionFactory ConnectionFactory =>
        RedisConnectionFactory.ForEndPoint(new IPEndPoint(IPAddress.Loopback, Port));

    internal RedisConnections Connections => _connections ?? throw new InvalidOperationException("The redis-server fixture is not initialized.");

    /// <summary>A host on this server under <paramref name="prefix"/>, its artifacts in <paramref name="root"/>; tests set the rest with <c>with</c>.</summary>
    internal Discernus.Orchestration.HostOptions HostOptions(string root, string prefix) => new()
    {
        RedisUrl = $"redis://127.0.0.1:{Port}",
        KeyPrefix = prefix,
        Settings = Discernus.Orchestration.DiscernusSettings.Defaults,
        ArtifactsDirectory = Path.Combine(root, "artifacts"),
    };

    public async Task InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync();
        _connections = await RedisConnections.ConnectAsync(ConnectionFactory);
    }

    public async Task DisposeAsync()
    {
        if (_connections is not null)
        {
            await _connections.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
