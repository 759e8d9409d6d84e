using Discernus.Coordination;
using Discernus.Orchestration;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// One agent loop that cannot go on stops the others and fails the host, so `discernus worker` exits non-zero with
/// the reason. Before, the host waited for every loop to end: the other loops ran on and the failure stayed in a log
/// line of a process that looked healthy.
/// </summary>
public sealed class AgentLoopFailureTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task OneLoopThatCannotGoOn_StopsTheOthers_AndFailsTheHost()
    {
        using var root = new TempFolder();
        var prefix = $"loops-{Guid.NewGuid():N}:";
        var keys = new RedisKeys(prefix);
        var db = redis.Connections.Database;

        // Loop 2's processing list is a string: a coordination fault only that loop meets.
        await db.StringSetAsync(keys.Processing("loops-2"), "not a list");
        await using var host = await DiscernusHost.StartAsync(new HostOptions
        {
            RedisUrl = $"redis://127.0.0.1:{redis.Port}",
            KeyPrefix = prefix,
            RunOrchestrator = false,
            Settings = DiscernusSettings.Defaults,
            ArtifactsDirectory = Path.Combine(root.Path, "artifacts"),
            Router = new RouterOptions { Concurrency = 2, WorkerIdPrefix = "loops" },
        });

        var failure = await Assert.ThrowsAsync<CoordinationFaultException>(() => host.Failed.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(keys.Processing("loops-2"), failure.Message, StringComparison.Ordinal);

        // Loop 1 stopped with it: its heartbeat is deleted as it ends.
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await db.KeyExistsAsync(keys.Worker("loops-1")) && DateTime.UtcNow < limit)
        {
            await Task.Delay(100);
        }

        Assert.False(await db.KeyExistsAsync(keys.Worker("loops-1")), "loop 1 still beats after loop 2 failed");
    }
}
