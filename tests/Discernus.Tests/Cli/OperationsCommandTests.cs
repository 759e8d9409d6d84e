using System.Globalization;
using System.Text.Json;
using Discernus.Coordination;
using Discernus.Tests.Infrastructure;
using StackExchange.Redis;

namespace Discernus.Tests.Cli;

/// <summary>`discernus doctor` and `discernus debug` end to end, against a real redis-server.</summary>
public sealed class OperationsCommandTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private readonly RedisKeys _keys = new($"discernus-test-{Guid.NewGuid():N}:");

    private IDatabase Db => redis.Connections.Database;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await foreach (var key in RedisScan.KeysAsync(Db, _keys.AllKeysPattern))
        {
            await Db.KeyDeleteAsync(key);
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task Doctor_ExitsZero_OnAHealthyRedisServer()
    {
        var cli = Cli();

        Assert.Equal(0, await cli.RunAsync("doctor"));

        Assert.Contains("PASS  maxmemory-policy: noeviction", cli.Out.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", cli.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_ExitsNonZero_OnAnUnreachableUrl_AndSaysSoInJson()
    {
        var cli = Cli(url: "redis://127.0.0.1:1");

        Assert.Equal(1, await cli.RunAsync("doctor", "--format", "json"));

        using var json = JsonDocument.Parse(cli.Out.ToString());
        Assert.False(json.RootElement.GetProperty("healthy").GetBoolean());
        var redisCheck = json.RootElement.GetProperty("checks").EnumerateArray().First(c => c.GetProperty("name").GetString() == "redis");
        Assert.Equal("fail", redisCheck.GetProperty("status").GetString());
        Assert.Contains("DISCERNUS_REDIS_URL", redisCheck.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowRedisState_Summarises_AndListsKeysOnlyWithKeys()
    {
        var taskKey = _keys.TaskData("run-a:analyse_document:1");
        await Db.StringSetAsync(taskKey, "{}", TimeSpan.FromHours(1));
        await Db.ListLeftPushAsync(_keys.Tasks, ["run-a:analyse_document:1", "run-a:analyse_document:2"]);
        await Db.HashSetAsync(_keys.RunState("run-a"), [new HashEntry(RunStateFields.Status, "running")]);
        var summary = Cli();
        var listed = Cli();
        var json = Cli();

        Assert.Equal(0, await summary.RunAsync("debug", "--show-redis-state"));
        Assert.Equal(0, await listed.RunAsync("debug", "--show-redis-state", "--keys"));
        Assert.Equal(0, await json.RunAsync("debug", "--show-redis-state", "--format", "json"));

        Assert.Contains("Queues: tasks 2, orchestrator.tasks 0", summary.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("Task keys: 1 data", summary.Out.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(taskKey, summary.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains(taskKey, listed.Out.ToString(), StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Out.ToString());
        Assert.Equal(3, document.RootElement.GetProperty("key_count").GetInt32());
        Assert.Contains("Anomalies: none", summary.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowRedisState_ExitsFive_OnAKeyOfTheWrongType()
    {
        await Db.StringSetAsync(_keys.Tasks, "not a list");
        var cli = Cli();

        Assert.Equal(5, await cli.RunAsync("debug", "--show-redis-state"));
        Assert.Contains($"DEL {_keys.Tasks}", cli.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_RefusesWhileARunIsInFlight_ThenDeletesWithForce()
    {
        await new WorkerHeartbeat(redis.Connections, _keys, "orch-1", TimeSpan.FromSeconds(30)).BeatAsync();
        await Db.HashSetAsync(_keys.RunState("run-a"), [new HashEntry(RunStateFields.Status, "running"), new HashEntry(RunStateFields.Orchestrator, "orch-1")]);
        await Db.StringSetAsync("outside-" + _keys.Prefix, "keep");
        try
        {
            var refused = Cli();
            var forced = Cli();

            Assert.Equal(1, await refused.RunAsync("debug", "--reset"));
            Assert.Contains("run run-a", refused.Error.ToString(), StringComparison.Ordinal);
            Assert.True(await Db.KeyExistsAsync(_keys.RunState("run-a")));

            Assert.Equal(0, await forced.RunAsync("debug", "--reset", "--force"));
            Assert.Contains("Deleted 2 key(s)", forced.Out.ToString(), StringComparison.Ordinal);
            Assert.Contains("run states: 1", forced.Out.ToString(), StringComparison.Ordinal);
            Assert.False(await Db.KeyExistsAsync(_keys.RunState("run-a")));
            Assert.Equal("keep", await Db.StringGetAsync("outside-" + _keys.Prefix));
        }
        finally
        {
            await Db.KeyDeleteAsync("outside-" + _keys.Prefix);
        }
    }

    [Theory]
    [InlineData("debug")]
    [InlineData("debug", "--reset", "--show-redis-state")]
    [InlineData("debug", "--reset", "--keys")]
    [InlineData("debug", "--show-redis-state", "--force")]
    public async Task Debug_MisusedOptions_AreBadUsage(params string[] args)
    {
        var cli = Cli();

        Assert.Equal(2, await cli.RunAsync(args));
        Assert.StartsWith("error:", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Debug_UnreadableRedisUrl_IsOneClearError()
    {
        var cli = Cli(url: "http://user:secret-pw@127.0.0.1:6379");

        Assert.Equal(2, await cli.RunAsync("debug", "--show-redis-state"));
        Assert.Contains("DISCERNUS_REDIS_URL", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", cli.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("Please report", cli.AllText, StringComparison.Ordinal);
    }

    private CliHarness Cli(string? url = null) => new(new Dictionary<string, string?>
    {
        ["DISCERNUS_REDIS_URL"] = url ?? string.Create(CultureInfo.InvariantCulture, $"redis://127.0.0.1:{redis.Port}"),
        [RedisKeys.PrefixEnvironmentVariable] = _keys.Prefix,
        ["DISCERNUS_ARTIFACTS_DIR"] = Path.Combine(_temp.Path, "artifacts"),
    });
}
