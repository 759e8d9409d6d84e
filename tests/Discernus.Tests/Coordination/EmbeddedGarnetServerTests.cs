using System.Net.Sockets;
using Discernus.Coordination;

namespace Discernus.Tests.Coordination;

public sealed class EmbeddedGarnetServerTests
{
    [Fact]
    public async Task Start_ServesRedisOnLoopback_AndDisposeStopsIt()
    {
        var server = await EmbeddedGarnetServer.StartAsync();
        var endPoint = server.EndPoint;
        await using (var connections = await RedisConnections.ConnectAsync(server.CreateConnectionFactory()))
        {
            await connections.Database.StringSetAsync("embedded:probe", "ok");
            Assert.Equal("ok", (string?)await connections.Database.StringGetAsync("embedded:probe"));
            Assert.Equal("127.0.0.1", endPoint.Address.ToString());
        }

        await server.DisposeAsync();

        using var client = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(endPoint.Address, endPoint.Port));
    }
}
