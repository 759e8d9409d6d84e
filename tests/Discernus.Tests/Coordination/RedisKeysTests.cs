using Discernus.Coordination;
using StackExchange.Redis;

namespace Discernus.Tests.Coordination;

public sealed class RedisKeysTests
{
    [Fact]
    public void DefaultPrefix_GivesTheKeysOfTheArchitecture()
    {
        var keys = new RedisKeys();

        Assert.Equal("discernus:orchestrator.tasks", keys.OrchestratorTasks);
        Assert.Equal("discernus:tasks", keys.Tasks);
        Assert.Equal("discernus:processing:w1", keys.Processing("w1"));
        Assert.Equal("discernus:task:r:analyse_document:1:data", keys.TaskData("r:analyse_document:1"));
        Assert.Equal("discernus:task:r:analyse_document:1:attempts", keys.TaskAttempts("r:analyse_document:1"));
        Assert.Equal("discernus:run:r:done", keys.RunDone("r"));
        Assert.Equal("discernus:run:r:state", keys.RunState("r"));
        Assert.Equal("discernus:worker:w1", keys.Worker("w1"));
        Assert.Equal("discernus:dead", keys.Dead);
    }

    [Fact]
    public void CustomPrefix_IsUsedForEveryKey_AndEscapedInScanPatterns()
    {
        var keys = new RedisKeys("team[1]*:");

        Assert.Equal("team[1]*:tasks", keys.Tasks);
        Assert.Equal(@"team\[1\]\*:processing:*", keys.ProcessingPattern);
        Assert.Equal(@"team\[1\]\*:*", keys.AllKeysPattern);
    }

    [Theory]
    [InlineData("discernus:tasks", RedisType.List)]
    [InlineData("discernus:orchestrator.tasks", RedisType.List)]
    [InlineData("discernus:dead", RedisType.List)]
    [InlineData("discernus:processing:w1", RedisType.List)]
    [InlineData("discernus:task:r:analyse_document:1:data", RedisType.String)]
    [InlineData("discernus:task:r:analyse_document:1:attempts", RedisType.String)]
    [InlineData("discernus:run:r:done", RedisType.List)]
    [InlineData("discernus:run:r:state", RedisType.Hash)]
    [InlineData("discernus:run:r:completed", RedisType.List)]
    [InlineData("discernus:worker:w1", RedisType.String)]
    [InlineData("discernus:ratelimit:limit:openai:0123456789abcdef:rpm", RedisType.Hash)]
    public void ExpectedTypeOf_FollowsTheSchema(string key, RedisType expected)
    {
        Assert.Equal(expected, new RedisKeys().ExpectedTypeOf(key));
    }

    [Fact]
    public void ExpectedTypeOf_IsNull_ForKeysOutsideTheSchema()
    {
        var keys = new RedisKeys();

        Assert.Null(keys.ExpectedTypeOf("discernus:cache:abc"));
        Assert.Null(keys.ExpectedTypeOf("other:tasks"));
    }

    [Theory]
    [InlineData("discernus:tasks", "Tasks", null, null)]
    [InlineData("discernus:orchestrator.tasks", "OrchestratorTasks", null, null)]
    [InlineData("discernus:dead", "Dead", null, null)]
    [InlineData("discernus:processing:host-1:42", "Processing", "host-1:42", null)]
    [InlineData("discernus:worker:w1", "Worker", "w1", null)]
    [InlineData("discernus:task:r1:analyse_document:3:data", "TaskData", "r1:analyse_document:3", "r1")]
    [InlineData("discernus:task:r1:analyse_document:3:attempts", "TaskAttempts", "r1:analyse_document:3", "r1")]
    [InlineData("discernus:task:r1:data", "TaskData", "r1", "r1")] // a run request's data is keyed by its run id
    [InlineData("discernus:run:r1:state", "RunState", "r1", "r1")]
    [InlineData("discernus:run:r1:done", "RunDone", "r1", "r1")]
    [InlineData("discernus:run:r1:completed", "RunCompleted", "r1", "r1")]
    [InlineData("discernus:run:r1:other", "Unknown", null, null)]
    [InlineData("discernus:task::data", "Unknown", null, null)]
    [InlineData("discernus:worker:", "Unknown", null, null)]
    [InlineData("other:tasks", "Unknown", null, null)]
    public void Classify_NamesTheKindIdAndRunOfEveryKey(string key, string kind, string? id, string? runId)
    {
        Assert.Equal(new SchemaKey(Enum.Parse<RedisKeyKind>(kind), id, runId), new RedisKeys().Classify(key));
    }

    [Fact]
    public void TryGetProcessingWorker_ReturnsTheWorkerId()
    {
        var keys = new RedisKeys();

        Assert.True(keys.TryGetProcessingWorker("discernus:processing:host-1:42", out var worker));
        Assert.Equal("host-1:42", worker);
        Assert.False(keys.TryGetProcessingWorker("discernus:tasks", out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space:")]
    public void Constructor_RejectsUnusablePrefixes(string prefix)
    {
        var error = Assert.Throws<ArgumentException>(() => new RedisKeys(prefix));
        Assert.Contains(RedisKeys.PrefixEnvironmentVariable, error.Message, StringComparison.Ordinal);
    }
}
