using Discernus.Coordination;
using Discernus.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Discernus.Tests.Coordination;

/// <summary>
/// Settles that cannot double (issue 6, "claims that cannot double"): every settle acts only while the task is still
/// in the settling worker's processing list, so recovery, retries and lost replies never yield a second copy or a
/// second completion signal.
/// </summary>
public abstract partial class CoordinationContractTests
{
    [Fact]
    public async Task SlowWorkerWhoseTaskWasRecovered_CannotSignalASecondCompletion()
    {
        var queue = NewTaskQueue();
        var recovery = new OrphanRecovery(Connections, Keys);
        var contract = AnalyseTask("run1", 1);
        await queue.EnqueueAsync(contract);
        var slow = await queue.ClaimAsync("worker-slow", Generous);
        Assert.NotNull(slow);

        // The slow worker misses its heartbeat; its task goes to another worker, which finishes it.
        Assert.Equal(1, await recovery.RequeueOrphansAsync());
        var fast = await queue.ClaimAsync("worker-fast", Generous);
        Assert.Equal(contract.TaskId, fast!.TaskId);
        Assert.Equal(SettleOutcome.Applied, await fast.AckAsync(CompletionSignal.Success(contract.TaskId, "fast-hash"), "run1"));

        var late = await slow.AckAsync(CompletionSignal.Success(contract.TaskId, "slow-hash"), "run1");

        Assert.Equal(SettleOutcome.NotOwned, late);
        var done = await Db.ListRangeAsync(Keys.RunDone("run1"));
        var signal = Assert.Single(done).ToString();
        Assert.Contains("fast-hash", signal, StringComparison.Ordinal);
        Assert.Equal(0, await queue.GetLengthAsync());
    }

    [Fact]
    public async Task AckAfterRecovery_LeavesTheRecoveredCopyAsTheOnlyOne_AndSignalsNothing()
    {
        var queue = NewTaskQueue();
        var contract = AnalyseTask("run1", 1);
        await queue.EnqueueAsync(contract);
        var claimed = await queue.ClaimAsync("worker-a", Generous);
        await new OrphanRecovery(Connections, Keys).RequeueOrphansAsync();

        var outcome = await claimed!.AckAsync(CompletionSignal.Success(contract.TaskId, "h"), "run1");

        Assert.Equal(SettleOutcome.NotOwned, outcome);
        Assert.False(await Db.KeyExistsAsync(Keys.RunDone("run1")));
        Assert.Equal([contract.TaskId], (await Db.ListRangeAsync(Keys.Tasks)).Select(v => v.ToString()));
        Assert.True(await Db.KeyExistsAsync(Keys.TaskData(contract.TaskId)), "the recovered copy still needs its contract");
    }

    [Fact]
    public async Task RequeueAfterRecovery_DoesNotQueueASecondCopy()
    {
        var queue = NewTaskQueue();
        var contract = AnalyseTask("run1", 1);
        await queue.EnqueueAsync(contract);
        var claimed = await queue.ClaimAsync("worker-a", Generous);
        await new OrphanRecovery(Connections, Keys).RequeueOrphansAsync();

        var outcome = await claimed!.RequeueAsync();

        Assert.Equal(SettleOutcome.NotOwned, outcome);
        Assert.Equal([contract.TaskId], (await Db.ListRangeAsync(Keys.Tasks)).Select(v => v.ToString()));
    }

    [Fact]
    public async Task DeadLetterAfterRecovery_NeitherBuriesNorSignalsTheRecoveredTask()
    {
        var queue = NewTaskQueue();
        var contract = AnalyseTask("run1", 1);
        await queue.EnqueueAsync(contract);
        var claimed = await queue.ClaimAsync("worker-a", Generous);
        await new OrphanRecovery(Connections, Keys).RequeueOrphansAsync();

        var outcome = await claimed!.DeadLetterAsync("crashed three times");

        Assert.Equal(SettleOutcome.NotOwned, outcome);
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Dead));
        Assert.False(await Db.KeyExistsAsync(Keys.RunDone("run1")));
        Assert.Equal(1, await queue.GetLengthAsync());
    }

    [Fact]
    public async Task AckWhoseReplyWasLost_IsRetriedWithoutApplyingTwice()
    {
        // The ack reaches the server and is applied, but the connection drops before its reply comes back.
        await using var proxy = new RedisFaultProxy(_server.Port);
        var factory = RedisConnectionFactory.Parse($"127.0.0.1:{proxy.Port}");
        await using var throughProxy = await RedisConnections.ConnectAsync(factory);
        var queue = Own(RedisTaskQueue.ForTasks(throughProxy, Keys));
        var contract = AnalyseTask("run1", 1);
        await queue.EnqueueAsync(contract);
        var claimed = await queue.ClaimAsync("worker-a", Generous);
        var signal = CompletionSignal.Success(contract.TaskId, "h1");

        proxy.CutAfterNextRequestContaining("EVAL");
        var first = await Assert.ThrowsAnyAsync<RedisException>(() => claimed!.AckAsync(signal, "run1"));
        var retried = await RetryUntilReconnectedAsync(() => claimed!.AckAsync(signal, "run1"));

        Assert.Equal(1, proxy.Cuts);
        Assert.IsAssignableFrom<RedisConnectionException>(first);
        Assert.Equal(SettleOutcome.Uncertain, retried);
        Assert.Single(await Db.ListRangeAsync(Keys.RunDone("run1")));
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("worker-a")));
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Tasks));
    }

    [Fact]
    public async Task Ack_DeletesTheTasksKeys_SoNothingIsLeftBehind()
    {
        var queue = NewTaskQueue();
        var contract = AnalyseTask("run1", 1);
        await queue.EnqueueAsync(contract);
        var claimed = await queue.ClaimAsync("worker-a", Generous);
        Assert.True(await Db.KeyExistsAsync(Keys.TaskAttempts(contract.TaskId)));

        await claimed!.AckAsync(CompletionSignal.Success(contract.TaskId, "h"), "run1");

        Assert.False(await Db.KeyExistsAsync(Keys.TaskData(contract.TaskId)));
        Assert.False(await Db.KeyExistsAsync(Keys.TaskAttempts(contract.TaskId)));
    }

    [Fact]
    public async Task AckOfATaskWhoseRunEnded_PushesNoSignal_AndDoesNotRecreateItsDoneList()
    {
        var queue = NewTaskQueue();
        var states = new RunStateStore(Connections, Keys);
        var contract = AnalyseTask("run1", 1);
        await states.SetStatusAsync("run1", "failed", "budget exceeded");
        await queue.EnqueueAsync(contract);
        var claimed = await queue.ClaimAsync("worker-a", Generous);

        var outcome = await claimed!.AckAsync(CompletionSignal.Success(contract.TaskId, "h"), "run1");
        await queue.EnqueueAsync(AnalyseTask("run1", 2));
        var second = await queue.ClaimAsync("worker-a", Generous);
        var buried = await second!.DeadLetterAsync("crashed");

        Assert.Equal(SettleOutcome.RunEnded, outcome);
        Assert.Equal(SettleOutcome.RunEnded, buried);
        Assert.False(await Db.KeyExistsAsync(Keys.RunDone("run1")));
        Assert.False(await Db.KeyExistsAsync(Keys.TaskData(contract.TaskId)));
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("worker-a")));
    }

    [Fact]
    public async Task DeadList_KeepsOnlyItsCapacity_NewestFirst()
    {
        var queue = NewTaskQueue(new TaskQueueOptions { DeadListCapacity = 2 });
        for (var n = 1; n <= 3; n++)
        {
            await queue.EnqueueAsync(AnalyseTask("run1", n));
            var claimed = await queue.ClaimAsync("worker-a", Generous);
            await claimed!.DeadLetterAsync($"failure {n}");
        }

        var dead = (await Db.ListRangeAsync(Keys.Dead)).Select(v => v.ToString()).ToList();

        Assert.Equal(2, dead.Count);
        Assert.Contains("failure 3", dead[0], StringComparison.Ordinal);
        Assert.Contains("failure 2", dead[1], StringComparison.Ordinal);
        Assert.False(await Db.KeyExistsAsync(Keys.TaskData("run1:analyse_document:1")));
    }

    [Fact]
    public async Task Release_PutsTheTaskBehindTheOthers_WithoutCountingTheAttempt()
    {
        var queue = NewTaskQueue();
        await queue.EnqueueAsync(AnalyseTask("run1", 1));
        await queue.EnqueueAsync(AnalyseTask("run1", 2));
        var first = await queue.ClaimAsync("worker-far", Generous);

        Assert.Equal(SettleOutcome.Applied, await first!.ReleaseAsync());
        var next = await queue.ClaimAsync("worker-near", Generous);
        await next!.AckWithoutSignalAsync();
        var again = await queue.ClaimAsync("worker-near", Generous);

        Assert.Equal("run1:analyse_document:2", next.TaskId);
        Assert.Equal("run1:analyse_document:1", again!.TaskId);
        Assert.Equal(1, again.Attempts);
    }

    [Fact]
    public async Task EnqueueMany_StoresEveryContract_AndKeepsTheOrder_AndFindQueuedSeesOnlyUnsettledTasks()
    {
        var queue = NewTaskQueue();
        var items = Enumerable.Range(1, 1200).Select(n => AnalyseTask("run1", n)).Select(t => (t.TaskId, CoordinationJson.Serialize(t))).ToList();

        await queue.EnqueueManyAsync(items);
        var claimed = await queue.ClaimAsync("worker-a", Generous);
        await claimed!.AckWithoutSignalAsync();
        var queued = await queue.FindQueuedAsync(["run1:analyse_document:1", "run1:analyse_document:2", "run1:analyse_document:1200", "run1:analyse_document:9999"]);

        Assert.Equal("run1:analyse_document:1", claimed.TaskId);
        Assert.Equal(1199, await queue.GetLengthAsync());
        Assert.Equal(["run1:analyse_document:1200", "run1:analyse_document:2"], queued.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Completions_AreKeptInTheCompletedList_AndCanBeReadBack()
    {
        var queue = NewTaskQueue();
        var completions = NewCompletions();
        for (var n = 1; n <= 2; n++)
        {
            await queue.EnqueueAsync(AnalyseTask("run1", n));
            var claimed = await queue.ClaimAsync("worker-a", Generous);
            await claimed!.AckAsync(CompletionSignal.Success(claimed.TaskId, $"h{n}"), "run1");
        }

        var first = await completions.WaitAsync("run1", Generous);
        var second = await completions.WaitAsync("run1", Generous);
        var taken = await completions.ReadTakenAsync("run1");

        Assert.Equal("run1:analyse_document:1", first!.TaskId);
        Assert.Equal("run1:analyse_document:2", second!.TaskId);
        Assert.Equal(["run1:analyse_document:1", "run1:analyse_document:2"], taken.Select(s => s.TaskId));
        Assert.Equal(0, await Db.ListLengthAsync(Keys.RunDone("run1")));
    }

    [Fact]
    public async Task TakeOver_IsRefused_WhileTheHoldingOrchestratorIsAlive_AndGranted_OnceItsHeartbeatIsGone()
    {
        var states = new RunStateStore(Connections, Keys);
        var holder = Own(new WorkerHeartbeat(Connections, Keys, "orchestrator-a", timeProvider: new FakeTimeProvider()));
        await holder.StartAsync();
        Assert.True(await states.TryTakeOverAsync("run1", "orchestrator-a"));

        var whileAlive = await states.TryTakeOverAsync("run1", "orchestrator-b");
        await ExpireHeartbeatAsync("orchestrator-a");
        var afterDeath = await states.TryTakeOverAsync("run1", "orchestrator-b");

        Assert.False(whileAlive);
        Assert.True(afterDeath);
        Assert.Equal("orchestrator-b", (await states.GetAsync("run1"))!.Fields[RunStateFields.Orchestrator]);
    }

    private static async Task<T> RetryUntilReconnectedAsync<T>(Func<Task<T>> operation)
    {
        // What CoordinationResilience does in production, bounded for the test.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await operation();
            }
            catch (RedisException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }
}

/// <summary>Claims and acknowledgements of several short tasks in one round trip keep every guarantee of single ones.</summary>
public abstract partial class CoordinationContractTests
{
    [Fact]
    public async Task ClaimMany_TakesUpToMax_InOrder_AndAckMany_SettlesEachOnlyIfStillClaimed()
    {
        var queue = NewTaskQueue();
        for (var n = 1; n <= 5; n++)
        {
            await queue.EnqueueAsync(AnalyseTask("run1", n));
        }

        var claims = await queue.ClaimManyAsync("worker-a", 3, Generous);
        await new OrphanRecovery(Connections, Keys).RequeueOrphansAsync(); // worker-a never beat: all three go back
        var again = await queue.ClaimManyAsync("worker-b", 8, Generous);
        var late = await queue.AckManyAsync(claims.Select(c => (c, CompletionSignal.Success(c.TaskId, "late"), "run1")).ToList());
        var onTime = await queue.AckManyAsync(again.Select(c => (c, CompletionSignal.Success(c.TaskId, "on-time"), "run1")).ToList());

        Assert.Equal(["run1:analyse_document:1", "run1:analyse_document:2", "run1:analyse_document:3"], claims.Select(c => c.TaskId));
        Assert.Equal(5, again.Count);
        Assert.All(late, o => Assert.Equal(SettleOutcome.NotOwned, o));
        Assert.All(onTime, o => Assert.Equal(SettleOutcome.Applied, o));
        var signals = (await Db.ListRangeAsync(Keys.RunDone("run1"))).Select(v => v.ToString()).ToList();
        Assert.Equal(5, signals.Count);
        Assert.All(signals, s => Assert.Contains("on-time", s, StringComparison.Ordinal));
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("worker-b")));
        Assert.All(claims.Concat(again), c => Assert.True(c.IsSettled));
    }
}
