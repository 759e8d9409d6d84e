using System.Diagnostics;
using System.Globalization;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Orchestration;
using Microsoft.Extensions.Logging.Abstractions;

/// <summary>
/// `dotnet run -c Release --project bench/Discernus.Bench -- coordination --redis redis://127.0.0.1:P [--tasks N]
/// [--concurrency M] [--rounds R] [--queue-only | --no-waiter]`: no-op tasks per second through the real coordination path on an external Redis,
/// driven as the Orchestrator drives a stage: the tasks are queued with <see cref="ITaskQueue.EnqueueManyAsync"/>,
/// the <see cref="Router"/> runs M claim loops (BLMOVE, contract read, run-state read, the agent, the Ack script with
/// a completion signal) with an agent that does nothing, and one waiter takes the signals with
/// <see cref="RunCompletions.WaitAsync"/>, checking for cancellation and recording the counts per signal like
/// Orchestrator.RunStageAsync. The clock runs from the first enqueue to the last signal taken. `--queue-only` leaves
/// out the per-signal cancel check and counts; `--no-waiter` takes no signal at all and stops the clock when the done
/// list holds every signal (the claim loops' side alone). Prints one machine-readable line per round (after a
/// warm-up round) for bench/coordination.sh.
/// </summary>
internal static class CoordinationBenchmark
{
    private const string NoOpTaskType = "bench_noop";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var url = Option(args, "--redis") ?? Environment.GetEnvironmentVariable(RedisConnectionFactory.UrlEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(url))
        {
            await Console.Error.WriteLineAsync("coordination: give --redis redis://127.0.0.1:PORT (a redis-server started for the benchmark; its keys get a unique prefix).");
            return 2;
        }

        var tasks = int.Parse(Option(args, "--tasks") ?? "20000", CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Option(args, "--concurrency") ?? "64", CultureInfo.InvariantCulture);
        var rounds = int.Parse(Option(args, "--rounds") ?? "3", CultureInfo.InvariantCulture);
        var mode = args.Contains("--no-waiter") ? "no-waiter" : args.Contains("--queue-only") ? "queue-only" : "orchestrator";

        var factory = RedisConnectionFactory.Parse(url);
        await using var connections = await RedisConnections.ConnectAsync(factory);
        var keys = new RedisKeys($"bench-{Guid.NewGuid():N}:");
        var storeFolder = Directory.CreateTempSubdirectory("discernus-bench-coordination-");
        try
        {
            var time = TimeProvider.System;
            var logger = NullLogger.Instance;
            var queueOptions = new TaskQueueOptions();
            await using var queue = RedisTaskQueue.ForTasks(connections, keys, queueOptions, time, logger);
            var states = new RunStateStore(connections, keys, time);
            var resilience = new CoordinationResilience(factory.Description, timeProvider: time, logger: logger);
            var store = new FolderArtifactStore(storeFolder.FullName);
            var agent = new NoOpAgent();
            var router = new Router(queue, connections, keys, states, _ => [agent], new RunStoreResolver(store), resilience,
                new RouterOptions { Concurrency = concurrency }, time, logger);
            using var stopping = new CancellationTokenSource();
            var loops = Task.Run(() => router.RunAsync(stopping.Token));
            try
            {
                // Round 0 warms up the JIT, the connections and the server; it is not reported.
                for (var round = 0; round <= rounds; round++)
                {
                    var size = round == 0 ? Math.Min(tasks, 2000) : tasks;
                    var elapsed = await RoundAsync(queue, connections, keys, states, resilience, $"bench{round}", size, mode);
                    if (loops.IsCompleted)
                    {
                        await loops;
                    }

                    if (round > 0)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"coordination round={round} tasks={size} concurrency={concurrency} mode={mode} seconds={elapsed.TotalSeconds:F3} tasks_per_s={size / elapsed.TotalSeconds:F0}"));
                    }
                }
            }
            finally
            {
                await stopping.CancelAsync();
                await loops;
            }

            return 0;
        }
        finally
        {
            storeFolder.Delete(recursive: true);
        }
    }

    private static async Task<TimeSpan> RoundAsync(RedisTaskQueue queue, RedisConnections connections, RedisKeys keys, RunStateStore states,
        CoordinationResilience resilience, string runId, int size, string mode)
    {
        await states.SetAsync(runId, new Dictionary<string, string> { [RunStateFields.Status] = RunStatuses.Running });
        var contract = $$"""{"run_id":"{{runId}}","task_type":"{{NoOpTaskType}}"}""";
        var items = Enumerable.Range(0, size).Select(i => (TaskIds.Build(runId, NoOpTaskType, i), contract)).ToList();
        var pending = new HashSet<string>(items.Select(i => i.Item1), StringComparer.Ordinal);
        await using var completions = new RunCompletions(connections, keys);
        var clock = Stopwatch.StartNew();
        await resilience.ExecuteAsync(ct => queue.EnqueueManyAsync(items, ct), "queueing the benchmark tasks");
        var counted = 0;
        var bookkeeping = mode == "orchestrator";
        if (mode == "no-waiter")
        {
            var done = keys.RunDone(runId);
            while (await connections.Database.ListLengthAsync(done) < size)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5));
            }

            pending.Clear();
        }

        // As Orchestrator.RunStageAsync does: signals taken in batches, the cancel flag read at most twice a second,
        // the progress counts written once per batch.
        var lastCancelCheck = Stopwatch.StartNew();
        var firstCheck = true;
        while (pending.Count > 0)
        {
            if (bookkeeping && (firstCheck || lastCancelCheck.Elapsed >= TimeSpan.FromMilliseconds(500)))
            {
                firstCheck = false;
                lastCancelCheck.Restart();
                if (await resilience.ExecuteAsync(ct => states.IsCancelRequestedAsync(runId, ct), "reading the run state"))
                {
                    throw new InvalidOperationException("the benchmark run was cancelled");
                }
            }

            var signals = await resilience.ExecuteAsync(ct => completions.WaitManyAsync(runId, 256, TimeSpan.FromSeconds(2), ct), "waiting for completions");
            if (signals.Count == 0)
            {
                throw new TimeoutException($"no completion signal for 2 s with {pending.Count} of {size} tasks unfinished");
            }

            var before = counted;
            foreach (var signal in signals)
            {
                counted += pending.Remove(signal.TaskId) ? 1 : 0;
            }

            if (bookkeeping && counted > before)
            {
                await resilience.ExecuteAsync(ct => states.SetCountsAsync(runId, size, counted, 0, ct), "recording the progress");
            }
        }

        clock.Stop();
        await states.SetStatusAsync(runId, Discernus.Provenance.RunStatus.Completed);
        return clock.Elapsed;
    }

    private static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }

    /// <summary>An agent that succeeds at once, so only coordination is measured.</summary>
    private sealed class NoOpAgent : IAgent
    {
        private static readonly AgentOutcome Done = AgentOutcome.Success(new string('0', 64));

        public string TaskType => NoOpTaskType;

        public string Name => "NoOpAgent";

        public Task<AgentOutcome> HandleAsync(string contractJson, CancellationToken cancellationToken) => Task.FromResult(Done);
    }
}
