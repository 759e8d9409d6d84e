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

    [Fact]
    public async Task DeletedRecords_AreReused_SoTheLogDoesNotGrowWithTasksDone()
    {
        // A run sets and deletes a contract (and an attempt counter) per task. Without a storage tier Garnet drops
        // records once its log outgrows its memory, so the log must stay the size of what is live, not of what was done.
        await using var server = await EmbeddedGarnetServer.StartAsync();
        var options = new StackExchange.Redis.ConfigurationOptions { EndPoints = { server.EndPoint }, AllowAdmin = true };
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        var contract = new string('c', 600);
        const int tasks = 20_000;
        for (var start = 0; start < tasks; start += 100)
        {
            var sets = Enumerable.Range(start, 100).Select(i => db.StringSetAsync($"task:{i}:data", contract)).ToList();
            await Task.WhenAll(sets);
            await db.KeyDeleteAsync(Enumerable.Range(start, 100).Select(i => (StackExchange.Redis.RedisKey)$"task:{i}:data").ToArray());
        }

        var info = await redis.GetServer(server.EndPoint).InfoRawAsync("store");
        var tail = long.Parse(info!.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("Log.TailAddress:", StringComparison.Ordinal))["Log.TailAddress:".Length..],
            System.Globalization.CultureInfo.InvariantCulture);

        // 20,000 records of 600 bytes appended one after another would take 12 MB; reused, a few hundred at a time.
        Assert.True(tail < 2_000_000, $"the log grew to {tail} bytes for {tasks} set-and-deleted records");
    }
}
