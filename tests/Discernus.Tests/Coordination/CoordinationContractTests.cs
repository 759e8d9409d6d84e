using Discernus.Coordination;
using Discernus.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Discernus.Tests.Coordination;

/// <summary>
/// The coordination contract, run against every server we support (embedded Garnet and a real redis-server).
/// Every test works under its own key prefix, so the suites share one server per class safely.
/// </summary>
public abstract partial class CoordinationContractTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    private readonly IRedisTestServer _server;
    private readonly List<IAsyncDisposable> _owned = [];

    private protected CoordinationContractTests(IRedisTestServer server)
    {
        _server = server;
        Keys = new RedisKeys($"discernus-test-{Guid.NewGuid():N}:");
    }

    private protected RedisKeys Keys { get; }

    private protected RedisConnections Connections => _server.Connections;

    private protected IDatabase Db => Connections.Database;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await foreach (var key in RedisScan.KeysAsync(Db, Keys.AllKeysPattern))
        {
            await Db.KeyDeleteAsync(key);
        }
    }

    [Fact]
    public async Task EnqueueClaimAck_DeliversCompletionSignalOnRunDoneList()
    {
        var queue = NewTaskQueue();
        var completions = NewCompletions();
        var contract = AnalyseTask("20261124T101500Z", 1);

        await queue.EnqueueAsync(contract);
        var claimed = await queue.ClaimAsync("worker-a", Generous);

        Assert.NotNull(claimed);
        Assert.Equal(contract.TaskId, claimed.TaskId);
        Assert.Equal(1, claimed.Attempts);
        Assert.Equal("20261124T101500Z", claimed.RunId);
        Assert.Equal(TaskTypes.AnalyseDocument, claimed.TaskType);
        var received = TaskContractReader.Read<AnalyseDocumentTask>(claimed.ContractJson).GetOrThrow();
        Assert.Equal(contract.DocumentHash, received.DocumentHash);
        Assert.Equal(2, received.Params.Run);
        Assert.Equal([contract.TaskId], (await Db.ListRangeAsync(Keys.Processing("worker-a"))).Select(v => v.ToString()));
        var dataTtl = await Db.KeyTimeToLiveAsync(Keys.TaskData(contract.TaskId));
        Assert.InRange(dataTtl!.Value, TimeSpan.FromHours(23), TimeSpan.FromHours(24));

        await claimed.AckAsync(CompletionSignal.Success(contract.TaskId, "abc123"), contract.RunId);

        Assert.True(claimed.IsSettled);
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("worker-a")));
        Assert.Equal(0, await queue.GetLengthAsync());
        var signal = await completions.WaitAsync(contract.RunId, Generous);
        Assert.NotNull(signal);
        Assert.Equal(contract.TaskId, signal.TaskId);
        Assert.Equal(CompletionStatus.Succeeded, signal.Status);
        Assert.Equal("abc123", signal.ResultHash);
    }

    [Fact]
    public async Task Claim_ReturnsNull_WhenQueueStaysEmpty()
    {
        var queue = NewTaskQueue();

        var blocking = await queue.ClaimAsync("worker-a", Short);
        var immediate = await queue.ClaimAsync("worker-a", TimeSpan.Zero);

        Assert.Null(blocking);
        Assert.Null(immediate);
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("worker-a")));
    }

    [Fact]
    public async Task Claim_TakesTasksInTheOrderTheyWereEnqueued()
    {
        var queue = NewTaskQueue();
        for (var n = 1; n <= 3; n++)
        {
            await queue.EnqueueAsync(AnalyseTask("run1", n));
        }

        var order = new List<string>();
        for (var n = 1; n <= 3; n++)
        {
            await using var claimed = await queue.ClaimAsync("worker-a", Generous);
            order.Add(claimed!.TaskId);
            await claimed.AckWithoutSignalAsync();
        }

        Assert.Equal(["run1:analyse_document:1", "run1:analyse_document:2", "run1:analyse_document:3"], order);
    }

    [Fact]
    public async Task OrphanRecovery_RequeuesClaimedTask_WhenWorkerHeartbeatExpired()
    {
        var queue = NewTaskQueue();
        var recovery = new OrphanRecovery(Connections, Keys);
        var heartbeat = Own(new WorkerHeartbeat(Connections, Keys, "worker-dead", timeProvider: new FakeTimeProvider()));
        await heartbeat.StartAsync();
        var contract = AnalyseTask("run1", 1);
        await queue.EnqueueAsync(contract);
        var claimed = await queue.ClaimAsync("worker-dead", Generous);
        Assert.NotNull(claimed);

        var whileAlive = await recovery.RequeueOrphansAsync();
        await ExpireHeartbeatAsync("worker-dead");
        var afterExpiry = await recovery.RequeueOrphansAsync();

        Assert.Equal(0, whileAlive);
        Assert.Equal(1, afterExpiry);
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("worker-dead")));
        var reclaimed = await queue.ClaimAsync("worker-b", Generous);
        Assert.NotNull(reclaimed);
        Assert.Equal(contract.TaskId, reclaimed.TaskId);
        Assert.Equal(2, reclaimed.Attempts);
    }

    [Fact]
    public async Task OrphanRecovery_ReturnsRunRequestsToOrchestratorList()
    {
        var runRequests = NewRunRequestQueue();
        var recovery = new OrphanRecovery(Connections, Keys);
        await runRequests.EnqueueRunRequestAsync(new RunRequest { RunId = "20261124T101500Z", ExperimentPath = "/p", RunFolder = "/p/runs/x" });
        var claimed = await runRequests.ClaimAsync("orchestrator-1", Generous);
        Assert.NotNull(claimed);

        var moved = await recovery.RequeueOrphansAsync();

        Assert.Equal(1, moved);
        Assert.Equal(["20261124T101500Z"], (await Db.ListRangeAsync(Keys.OrchestratorTasks)).Select(v => v.ToString()));
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Tasks));
    }

    [Fact]
    public async Task CompletionsOfTwoRuns_DoNotMix()
    {
        var queue = NewTaskQueue();
        var completions = NewCompletions();
        var first = AnalyseTask("runA", 1);
        var second = AnalyseTask("runB", 1);
        await queue.EnqueueAsync(first);
        await queue.EnqueueAsync(second);
        var claimedFirst = await queue.ClaimAsync("worker-a", Generous);
        var claimedSecond = await queue.ClaimAsync("worker-b", Generous);

        await claimedSecond!.AckAsync(CompletionSignal.Failure(second.TaskId, "model refused"), "runB");
        await claimedFirst!.AckAsync(CompletionSignal.Success(first.TaskId, "hashA"), "runA");

        var signalA = await completions.WaitAsync("runA", Generous);
        var signalB = await completions.WaitAsync("runB", Generous);
        var nothingMoreForA = await completions.WaitAsync("runA", Short);
        Assert.Equal(first.TaskId, signalA!.TaskId);
        Assert.True(signalA.IsSucceeded);
        Assert.Equal(second.TaskId, signalB!.TaskId);
        Assert.Equal("model refused", signalB.Error);
        Assert.Null(nothingMoreForA);
    }

    [Fact]
    public async Task WaitForCompletion_ReturnsNull_WhenNoSignalArrives()
    {
        var completions = NewCompletions();

        var blocking = await completions.WaitAsync("run-quiet", Short);
        var immediate = await completions.WaitAsync("run-quiet", TimeSpan.Zero);

        Assert.Null(blocking);
        Assert.Null(immediate);
    }

    [Fact]
    public async Task WaitForCompletion_ThrowsWhenTokenFires_AndLosesNoSignalPushedAfterwards()
    {
        var queue = NewTaskQueue();
        var completions = NewCompletions();
        var contract = AnalyseTask("run1", 1);
        await queue.EnqueueAsync(contract);
        var claimed = await queue.ClaimAsync("worker-a", Generous);
        using var cancellation = new CancellationTokenSource(Short);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completions.WaitAsync("run1", TimeSpan.FromSeconds(30), cancellation.Token));
        await claimed!.AckAsync(CompletionSignal.Success(contract.TaskId, "h1"), "run1");
        var signal = await completions.WaitAsync("run1", Generous);

        Assert.Equal(contract.TaskId, signal!.TaskId);
    }

    [Fact]
    public async Task Enqueue_ThrowsCoordinationFaultNamingTheKey_WhenTasksKeyHasWrongType()
    {
        var queue = NewTaskQueue();
        await Db.StringSetAsync(Keys.Tasks, "x");

        var fault = await Assert.ThrowsAsync<CoordinationFaultException>(() => queue.EnqueueAsync(AnalyseTask("run1", 1)));

        AssertNamesWrongType(fault, Keys.Tasks, "list", "string");
        Assert.False(await Db.KeyExistsAsync(Keys.TaskData("run1:analyse_document:1")));
    }

    [Fact]
    public async Task Claim_ThrowsCoordinationFaultNamingTheKey_WhenTasksKeyHasWrongType()
    {
        var queue = NewTaskQueue();
        await Db.StringSetAsync(Keys.Tasks, "x");

        var fault = await Assert.ThrowsAsync<CoordinationFaultException>(() => queue.ClaimAsync("worker-a", Short));

        AssertNamesWrongType(fault, Keys.Tasks, "list", "string");
    }

    [Fact]
    public async Task ClaimAndEnqueue_ThrowCoordinationFault_WhenKeyTypeChangesAfterFirstCheck()
    {
        var queue = NewTaskQueue();
        Assert.Null(await queue.ClaimAsync("worker-a", TimeSpan.Zero));
        await Db.StringSetAsync(Keys.Tasks, "x");

        var claimFault = await Assert.ThrowsAsync<CoordinationFaultException>(() => queue.ClaimAsync("worker-a", Short));
        var enqueueFault = await Assert.ThrowsAsync<CoordinationFaultException>(() => queue.EnqueueAsync(AnalyseTask("run1", 1)));

        AssertNamesWrongType(claimFault, Keys.Tasks, "list", "string");
        AssertNamesWrongType(enqueueFault, Keys.Tasks, "list", "string");
    }

    [Fact]
    public async Task Ack_ThrowsCoordinationFault_AndKeepsTaskClaimed_WhenRunDoneKeyHasWrongType()
    {
        var queue = NewTaskQueue();
        var contract = AnalyseTask("run1", 1);
        await queue.EnqueueAsync(contract);
        var claimed = await queue.ClaimAsync("worker-a", Generous);
        await Db.HashSetAsync(Keys.RunDone("run1"), "oops", "1");

        var fault = await Assert.ThrowsAsync<CoordinationFaultException>(
            () => claimed!.AckAsync(CompletionSignal.Success(contract.TaskId, "h"), "run1"));

        AssertNamesWrongType(fault, Keys.RunDone("run1"), "list", "hash");
        Assert.False(claimed!.IsSettled);
        Assert.Equal(1, await Db.ListLengthAsync(Keys.Processing("worker-a")));
    }

    [Fact]
    public async Task Requeue_MakesTaskClaimableAgain_AndCountsTheAttempt()
    {
        var queue = NewTaskQueue();
        await queue.EnqueueAsync(AnalyseTask("run1", 1));
        var first = await queue.ClaimAsync("worker-a", Generous);

        await first!.RequeueAsync();
        var second = await queue.ClaimAsync("worker-b", Generous);

        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("worker-a")));
        Assert.Equal(first.TaskId, second!.TaskId);
        Assert.Equal(2, second.Attempts);
        await Assert.ThrowsAsync<InvalidOperationException>(() => first.AckWithoutSignalAsync());
    }

    [Fact]
    public async Task DeadLetter_MovesTaskToDeadList_AndSignalsFailureToItsRun()
    {
        var queue = NewTaskQueue();
        var completions = NewCompletions();
        await queue.EnqueueAsync(AnalyseTask("run1", 1));
        var claimed = await queue.ClaimAsync("worker-a", Generous);

        await claimed!.DeadLetterAsync("schema validation failed 3 times");

        var dead = await Db.ListRangeAsync(Keys.Dead);
        var entry = Assert.Single(dead).ToString();
        Assert.Contains("\"task_id\":\"run1:analyse_document:1\"", entry, StringComparison.Ordinal);
        Assert.Contains("schema validation failed 3 times", entry, StringComparison.Ordinal);
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("worker-a")));
        var signal = await completions.WaitAsync("run1", Generous);
        Assert.Equal(CompletionStatus.Failed, signal!.Status);
        Assert.Equal("schema validation failed 3 times", signal.Error);
    }

    [Fact]
    public async Task Claim_DeadLettersTask_WhenItsContractDataIsMissing()
    {
        var queue = NewTaskQueue();
        var completions = NewCompletions();
        await Db.HashSetAsync(Keys.RunState("run1"), "status", "running");
        await Db.ListLeftPushAsync(Keys.Tasks, "run1:analyse_document:7");

        var claimed = await queue.ClaimAsync("worker-a", Short);

        Assert.Null(claimed);
        var entry = Assert.Single(await Db.ListRangeAsync(Keys.Dead)).ToString();
        Assert.Contains(Keys.TaskData("run1:analyse_document:7"), entry, StringComparison.Ordinal);
        var signal = await completions.WaitAsync("run1", Generous);
        Assert.Equal("run1:analyse_document:7", signal!.TaskId);
        Assert.Equal(CompletionStatus.Failed, signal.Status);
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("worker-a")));
    }

    [Fact]
    public async Task Claim_DropsTaskWithoutDeadListing_WhenRedisForgotItsRun()
    {
        // The moment of a reset: the id was in flight, its contract and its run's state are gone. The run's
        // orchestrator queues it again from the folder; a dead-list entry would report a failure that never happened.
        var queue = NewTaskQueue();
        await Db.ListLeftPushAsync(Keys.Tasks, "run1:analyse_document:7");

        var claimed = await queue.ClaimAsync("worker-a", Short);

        Assert.Null(claimed);
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Dead));
        Assert.Equal(0, await Db.ListLengthAsync(Keys.RunDone("run1")));
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("worker-a")));
        Assert.False(await Db.KeyExistsAsync(Keys.TaskAttempts("run1:analyse_document:7")));
    }

    [Fact]
    public async Task Claim_DropsTaskWithoutDeadListing_WhenAResetWipedItsContract_EvenAfterTheRunWasRebuilt()
    {
        // `debug --reset --force` deletes in batches while the run goes on: the contract of an id a worker is claiming
        // is gone, and the run's Orchestrator has already rebuilt the run's state (the 1-in-5 failure of
        // WorldFaultTests.DebugResetForce...). The reset's marker tells the claimer the contract was wiped.
        var queue = NewTaskQueue();
        await Db.HashSetAsync(Keys.RunState("run1"), "status", "running");
        await Db.StringSetAsync(Keys.Reset, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CoordinationReset.MarkerLifetime);
        await Db.ListLeftPushAsync(Keys.Tasks, "run1:analyse_document:7");

        var claimed = await queue.ClaimAsync("worker-a", Short);

        Assert.Null(claimed);
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Dead));
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("worker-a")));
        Assert.False(await Db.KeyExistsAsync(Keys.TaskAttempts("run1:analyse_document:7")));
    }

    [Fact]
    public async Task Claim_DeadLettersTask_WhenClaimedMoreOftenThanTheAttemptLimit()
    {
        var queue = NewTaskQueue(new TaskQueueOptions { MaxAttempts = 1 });
        await queue.EnqueueAsync(AnalyseTask("run1", 1));
        var first = await queue.ClaimAsync("worker-a", Generous);
        await first!.RequeueAsync();

        var second = await queue.ClaimAsync("worker-a", Short);

        Assert.Null(second);
        var entry = Assert.Single(await Db.ListRangeAsync(Keys.Dead)).ToString();
        Assert.Contains("\"attempts\":2", entry, StringComparison.Ordinal);
        Assert.Equal(0, await queue.GetLengthAsync());
    }

    [Fact]
    public async Task Recover_ReturnsOwnProcessingListToTheQueue_InOriginalOrder()
    {
        var crashed = NewTaskQueue();
        for (var n = 1; n <= 3; n++)
        {
            await crashed.EnqueueAsync(AnalyseTask("run1", n));
            Assert.NotNull(await crashed.ClaimAsync("worker-a", Generous));
        }

        var restarted = NewTaskQueue();
        var recovered = await restarted.RecoverAsync("worker-a");

        Assert.Equal(3, recovered);
        var order = new List<string>();
        for (var n = 1; n <= 3; n++)
        {
            var claimed = await restarted.ClaimAsync("worker-a", Generous);
            order.Add(claimed!.TaskId);
            await claimed.AckWithoutSignalAsync();
        }

        Assert.Equal(["run1:analyse_document:1", "run1:analyse_document:2", "run1:analyse_document:3"], order);
    }

    [Fact]
    public async Task DisposingAnUnsettledClaim_RequeuesIt()
    {
        var queue = NewTaskQueue();
        await queue.EnqueueAsync(AnalyseTask("run1", 1));

        await using (var claimed = await queue.ClaimAsync("worker-a", Generous))
        {
            Assert.NotNull(claimed);
        }

        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("worker-a")));
        Assert.Equal(1, await queue.GetLengthAsync());
    }

    [Fact]
    public async Task Claim_ThrowsWhenTokenFires_AndLosesNoTaskEnqueuedAfterwards()
    {
        var queue = NewTaskQueue();
        using var cancellation = new CancellationTokenSource(Short);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.ClaimAsync("worker-a", TimeSpan.FromSeconds(30), cancellation.Token));
        await queue.EnqueueAsync(AnalyseTask("run1", 1));
        var claimed = await queue.ClaimAsync("worker-b", Generous);

        Assert.NotNull(claimed);
        Assert.Equal("run1:analyse_document:1", claimed.TaskId);
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("worker-a")));
    }

    [Fact]
    public async Task RunRequests_RoundTripThroughTheOrchestratorQueue()
    {
        var runRequests = NewRunRequestQueue();
        var request = new RunRequest
        {
            RunId = "20261124T101500Z",
            ExperimentPath = "/projects/demo",
            RunFolder = "/projects/demo/runs/20261124T101500Z",
            Model = "lexicon",
            Options = new Dictionary<string, string> { ["workers"] = "4" },
        };

        await runRequests.EnqueueRunRequestAsync(request);
        var claimed = await runRequests.ClaimAsync("orchestrator-1", Generous);
        var received = TaskContractReader.ReadRunRequest(claimed!.ContractJson).GetOrThrow();
        await claimed.AckWithoutSignalAsync();

        Assert.Equal(Keys.OrchestratorTasks, runRequests.SourceList);
        Assert.Equal(request.RunId, claimed.TaskId);
        Assert.Equal(request.RunFolder, received.RunFolder);
        Assert.Equal("4", received.Options!["workers"]);
        Assert.Equal(0, await Db.ListLengthAsync(Keys.Processing("orchestrator-1")));
        Assert.False(await Db.KeyExistsAsync(Keys.RunDone(request.RunId)));
    }

    [Fact]
    public async Task RunState_RoundTripsStageCountsStatusAndCancelFlag()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 10, 15, 0, TimeSpan.Zero));
        var store = new RunStateStore(Connections, Keys, time);

        Assert.Null(await store.GetAsync("run1"));
        await store.SetStageAsync("run1", "batch_analysis");
        await store.SetCountsAsync("run1", total: 10, completed: 0, failed: 0);
        await store.IncrementAsync("run1", RunStateFields.Completed);
        await store.SetStatusAsync("run1", RunStatuses.Running);
        var beforeCancel = await store.IsCancelRequestedAsync("run1");
        await store.RequestCancelAsync("run1");

        var state = await store.GetAsync("run1");
        Assert.False(beforeCancel);
        Assert.True(await store.IsCancelRequestedAsync("run1"));
        Assert.NotNull(state);
        Assert.Equal("batch_analysis", state.Stage);
        Assert.Equal(RunStatuses.Running, state.Status);
        Assert.Equal(10, state.Total);
        Assert.Equal(1, state.Completed);
        Assert.Equal(0, state.Failed);
        Assert.True(state.CancelRequested);
        Assert.Equal("2026-11-24T10:15:00.000Z", state.UpdatedAt);
    }

    [Fact]
    public async Task RunState_ThrowsCoordinationFault_WhenStateKeyHasWrongType()
    {
        var store = new RunStateStore(Connections, Keys);
        await Db.ListLeftPushAsync(Keys.RunState("run1"), "x");

        var fault = await Assert.ThrowsAsync<CoordinationFaultException>(() => store.IsCancelRequestedAsync("run1"));

        AssertNamesWrongType(fault, Keys.RunState("run1"), "hash", "list");
    }

    [Fact]
    public async Task Heartbeat_RefreshesItsKeyEveryThirdOfTheTtl_AndDeletesItOnStop()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
        var heartbeat = Own(new WorkerHeartbeat(Connections, Keys, "worker-a", TimeSpan.FromSeconds(15), time));

        await heartbeat.StartAsync();
        var firstValue = (string?)await Db.StringGetAsync(Keys.Worker("worker-a"));
        var ttl = await Db.KeyTimeToLiveAsync(Keys.Worker("worker-a"));
        time.Advance(TimeSpan.FromSeconds(5));
        await EventuallyAsync(() => Task.FromResult(heartbeat.BeatCount >= 2), "the heartbeat did not beat after a third of its TTL");
        var secondValue = (string?)await Db.StringGetAsync(Keys.Worker("worker-a"));
        await heartbeat.StopAsync();

        Assert.Equal(TimeSpan.FromSeconds(5), heartbeat.Interval);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
        Assert.Contains("\"beat_at\":\"2026-11-24T10:00:00.000Z\"", firstValue, StringComparison.Ordinal);
        Assert.Contains("\"beat_at\":\"2026-11-24T10:00:05.000Z\"", secondValue, StringComparison.Ordinal);
        Assert.False(await Db.KeyExistsAsync(Keys.Worker("worker-a")));
    }

    [Fact]
    public async Task Audit_ListsCoordinationKeys_AndFlagsWrongTypesAndOrphans()
    {
        var queue = NewTaskQueue();
        await queue.EnqueueAsync(AnalyseTask("run1", 1));
        await queue.EnqueueAsync(AnalyseTask("run1", 2));
        Assert.NotNull(await queue.ClaimAsync("worker-gone", Generous));
        await Db.StringSetAsync(Keys.Dead, "not a list");
        await Db.StringSetAsync(Keys.Prefix + "something-else", "1");

        var report = await new CoordinationAudit(Connections, Keys).InspectAsync();

        var tasks = Assert.Single(report.Keys, k => k.Key == Keys.Tasks);
        Assert.Equal("list", tasks.Type);
        Assert.Equal(1, tasks.Length);
        Assert.Null(tasks.Problem);
        var dead = Assert.Single(report.Faults);
        Assert.Equal(Keys.Dead, dead.Key);
        Assert.Contains($"DEL {Keys.Dead}", dead.Problem, StringComparison.Ordinal);
        Assert.True(report.HasFaults);
        Assert.Null(Assert.Single(report.Keys, k => k.Key == Keys.Prefix + "something-else").ExpectedType);
        Assert.Equal(["worker-gone"], report.OrphanedWorkers);
        Assert.Contains("FAULT:", report.ToText(), StringComparison.Ordinal);
        Assert.Equal(
            "string",
            Assert.Single(report.Keys, k => k.Key == Keys.TaskData("run1:analyse_document:1")).Type);
    }

    private protected static AnalyseDocumentTask AnalyseTask(string runId, int n) => new()
    {
        RunId = runId,
        TaskId = TaskIds.Build(runId, TaskTypes.AnalyseDocument, n),
        FrameworkHash = new string('f', 64),
        DocumentHash = new string('d', 64),
        DocumentName = $"speech-{n}.txt",
        PromptHash = new string('p', 64),
        Model = "lexicon",
        Params = new AnalysisParams { Run = 2, AnalysisVariant = "default", CorpusDocumentId = $"doc{n}" },
    };

    private static void AssertNamesWrongType(CoordinationFaultException fault, string key, string expected, string actual)
    {
        Assert.Equal(key, fault.Key);
        Assert.Equal(expected, fault.ExpectedType);
        Assert.Equal(actual, fault.ActualType);
        Assert.Contains($"'{key}'", fault.Message, StringComparison.Ordinal);
        Assert.Contains($"DEL {key}", fault.Message, StringComparison.Ordinal);
        Assert.Contains(RedisKeys.PrefixEnvironmentVariable, fault.Message, StringComparison.Ordinal);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string failure)
    {
        // A bound on waiting for background work, not a timing assertion: the condition itself is what is tested.
        for (var i = 0; i < 200; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail(failure);
    }

    private async Task ExpireHeartbeatAsync(string workerId)
    {
        await Db.KeyExpireAsync(Keys.Worker(workerId), TimeSpan.FromMilliseconds(1));
        await EventuallyAsync(async () => !await Db.KeyExistsAsync(Keys.Worker(workerId)), "the heartbeat key did not expire");
    }

    private RedisTaskQueue NewTaskQueue(TaskQueueOptions? options = null) =>
        Own(RedisTaskQueue.ForTasks(Connections, Keys, options));

    private RedisTaskQueue NewRunRequestQueue() => Own(RedisTaskQueue.ForRunRequests(Connections, Keys));

    private RunCompletions NewCompletions() => Own(new RunCompletions(Connections, Keys));

    private T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
