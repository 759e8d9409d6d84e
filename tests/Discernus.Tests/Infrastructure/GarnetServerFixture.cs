using Discernus.Coordination;

namespace Discernus.Tests.Infrastructure;

/// <summary>The embedded Garnet server the CLI starts by default, on a free loopback port.</summary>
public sealed class GarnetServerFixture : IRedisTestServer, IAsyncLifetime
{
    private EmbeddedGarnetServer? _server;
    private RedisConnections? _connections;

    public string Name => "embedded Garnet";

    public int Port => Server.EndPoint.Port;

    internal EmbeddedGarnetServer Server => _server ?? throw new InvalidOperationException("The Garnet fixture is not initialized.");

    RedisConnectionFactory IRedisTestServer.ConnectionFactory => ConnectionFactory;

    RedisConnections IRedisTestServer.Connections => Connections;

    internal RedisConnectionFactory ConnectionFactory => Server.CreateConnectionFactory();

    internal RedisConnections Connections => _connections ?? throw new InvalidOperationException("The Garnet fixture is not initialized.");

    public async Task InitializeAsync()
    {
        _server = await EmbeddedGarnetServer.StartAsync();
        _connections = await RedisConnections.ConnectAsync(_server.CreateConnectionFactory());
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
