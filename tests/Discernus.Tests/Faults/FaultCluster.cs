using System.Text.Json;
using Discernus.Agents;
using Discernus.Coordination;
using Discernus.Provenance;
using Discernus.Tests.Infrastructure;
using Discernus.Tests.Orchestration;
using StackExchange.Redis;

namespace Discernus.Tests.Faults;

/// <summary>
/// Everything a fault test runs on, all on loopback and all real: a redis-server with AOF persistence (so it can be
/// restarted with its data), `discernus worker` and `discernus run` processes, and a folder for experiments, logs and
/// artifacts. Disposing it stops every process it started.
/// </summary>
internal sealed class FaultCluster : IAsyncDisposable
{
    public const string ModelName = "openai-compatible/fault-model";

    private static readonly TimeSpan DefaultModelLatency = TimeSpan.FromMilliseconds(40);

    private long _modelLatencyTicks = DefaultModelLatency.Ticks;

    private readonly List<CliProcess> _processes = [];
    private bool _queueFilled;
    private readonly TempFolder _root = new();

    private FaultCluster(RedisServerProcess redis, RedisConnections connections, FakeModelServer model)
    {
        Redis = redis;
        Connections = connections;
        Model = model;
        Keys = new RedisKeys($"discernus-fault-{Guid.NewGuid():N}:");
        Directory.CreateDirectory(LogDirectory);
    }

    public RedisServerProcess Redis { get; }

    /// <summary>
    /// The model every process calls: an OpenAI-compatible HTTP server on loopback answering each analysis after a
    /// provider-like latency, so that tasks are in flight when a fault strikes (the offline lexicon answers in a
    /// millisecond and would leave nothing in hand to lose).
    /// </summary>
    public FakeModelServer Model { get; private set; }

    public RedisConnections Connections { get; }

    public RedisKeys Keys { get; }

    public string Root => _root.Path;

    public string LogDirectory => Path.Combine(Root, "logs");

    /// <summary>One artifact folder for every process, as a shared volume would be (tests that need several set their own).</summary>
    public string ArtifactsDirectory => Path.Combine(Root, "artifacts");

    public IDatabase Db => Connections.Database;

    /// <summary>How long the model takes over each analysis answered from now on (the requests in flight keep theirs); 40 ms unless a test holds the agents longer.</summary>
    public TimeSpan ModelLatency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _modelLatencyTicks));
        set => Interlocked.Exchange(ref _modelLatencyTicks, value.Ticks);
    }

    /// <param name="persistence">Whether redis-server keeps its data across a restart (AOF), as the earlier fault tests assume; without it a restart forgets every key.</param>
    public static async Task<FaultCluster> StartAsync(bool persistence = true)
    {
        var redis = await RedisServerProcess.StartAsync(appendOnly: persistence);
        var connections = await RedisConnections.ConnectAsync(RedisConnectionFactory.Parse(redis.Url));
        var model = FakeModelServer.Start();
        var cluster = new FaultCluster(redis, connections, model);
        model.Handler = cluster.Answers;
        return cluster;
    }

    private FakeModelServerResponse Answers(FakeModelServerRequest request) => ScriptedAnalysisAnswers.IsSynthesis(request)
        ? FakeModelServerResponse.Answer("The scores separate the two tones of the corpus.")
        : FakeModelServerResponse.Answer(ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request))) with { Latency = ModelLatency };

    /// <summary>The provider goes away as a killed process does: its port refuses connections, requests in flight break.</summary>
    public async Task StopModelAsync() => await Model.DisposeAsync();

    /// <summary>The provider comes back on the same address, answering as before; its request log starts empty.</summary>
    public void StartModelAgain()
    {
        var handler = Model.Handler;
        Model = FakeModelServer.Start(Model.Port);
        Model.Handler = handler ?? Answers;
    }

    public Dictionary<string, string?> ProcessEnvironment(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DISCERNUS_REDIS_URL"] = Redis.Url,
            ["DISCERNUS_REDIS_PREFIX"] = Keys.Prefix,
            ["DISCERNUS_LOG_DIR"] = LogDirectory,
            ["DISCERNUS_ARTIFACTS_DIR"] = ArtifactsDirectory,
            ["DISCERNUS_MODEL"] = ModelName,
            ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = Model.OpenAIBaseUrl.ToString(),
            ["DISCERNUS_OPENAI_COMPATIBLE_API_KEY"] = "fault-test-key",

            // Bounds for a test: a stage that stalls fails in two minutes, not ten.
            ["DISCERNUS_STALL_TIMEOUT_SECONDS"] = "120",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return environment;
    }

    public CliProcess StartWorker(string name, int concurrency = 4, IReadOnlyDictionary<string, string?>? environment = null, params string[] arguments) =>
        Track(CliProcess.Start(name, ProcessEnvironment(environment), Root, ["worker", "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments]));

    public CliProcess StartRun(string name, string experiment, IReadOnlyDictionary<string, string?>? environment = null, params string[] arguments) =>
        Track(CliProcess.Start(name, ProcessEnvironment(environment), Root, ["run", experiment, .. arguments]));

    public CliProcess StartResume(string name, string runFolder, IReadOnlyDictionary<string, string?>? environment = null, params string[] arguments) =>
        Track(CliProcess.Start(name, ProcessEnvironment(environment), Root, ["run", "--resume", runFolder, .. arguments]));

    /// <summary>The run folder a run of the experiment created (waits until it appears).</summary>
    public static async Task<string> RunFolderOfAsync(string experiment, TimeSpan limit)
    {
        var runs = Path.Combine(experiment, "runs");
        using var timeout = new CancellationTokenSource(limit);
        while (true)
        {
            if (Directory.Exists(runs) && Directory.GetDirectories(runs) is [var only] && File.Exists(Path.Combine(only, RunFolder.ManifestFileName)))
            {
                return only;
            }

            try
            {
                await Task.Delay(100, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"no run folder appeared under {runs} within {limit}");
            }
        }
    }

    /// <summary>Waits until the run folder holds at least <paramref name="count"/> analysis results.</summary>
    public static async Task WaitForResultsAsync(string runFolder, int count, TimeSpan limit)
    {
        var results = Path.Combine(runFolder, "results", "batch_analysis");
        using var timeout = new CancellationTokenSource(limit);
        while (!Directory.Exists(results) || Directory.GetFiles(results, "*.json").Length < count)
        {
            try
            {
                await Task.Delay(50, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"{results} did not reach {count} results within {limit}");
            }
        }
    }

    /// <summary>Waits until no more than <paramref name="remaining"/> tasks wait in the queue: workers are busy with the rest.</summary>
    public async Task WaitForQueueAsync(long remaining, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        while (true)
        {
            // Until the queue has been seen filled, an empty queue means "not started yet", not "drained".
            long length;
            try
            {
                length = await Db.ListLengthAsync(Keys.Tasks);
            }
            catch (StackExchange.Redis.RedisConnectionException)
            {
                // The test's own observer is a normal client too: CLIENT KILL TYPE normal and Redis restarts cut it
                // while it reads. It reconnects; the workers and the run are what these tests judge.
                length = -1;
            }

            _queueFilled |= length > remaining;
            if (_queueFilled && length >= 0 && length <= remaining)
            {
                return;
            }

            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"the task queue did not drain to {remaining} within {limit} (now {length})");
            }
        }
    }

    /// <summary>The analysis results of a run, read from its folder.</summary>
    public static IReadOnlyList<AnalysisResult> Results(string runFolder) =>
        Directory.GetFiles(Path.Combine(runFolder, "results", "batch_analysis"), "*.json")
            .Select(f => JsonSerializer.Deserialize<AnalysisResult>(File.ReadAllBytes(f), DiscernusJson.Indented)!)
            .ToList();

    /// <summary>
    /// The run ended completed, with exactly one result per document (no document lost, none analysed into two
    /// results), every result listed in the manifest, and nothing in the dead list.
    /// </summary>
    public async Task AssertCompleteAsync(string runFolder, int documents, string? expectedStatus = RunStatus.Completed)
    {
        var manifest = RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName));
        Assert.Equal(expectedStatus, manifest.Status);
        var results = Results(runFolder);
        Assert.Equal(documents, results.Count);
        Assert.Equal(documents, results.Select(r => r.CorpusDocumentId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(documents, manifest.Outputs.AnalysisResults.Distinct(StringComparer.Ordinal).Count());
        Assert.All(results, r => Assert.Equal(manifest.RunId, r.ProcessingMetadata.TaskId.Split(':')[0]));
        var dead = await Db.ListRangeAsync(Keys.Dead, 0, 4);
        Assert.True(dead.Length == 0, "the dead list holds: " + string.Join(Environment.NewLine, dead.Select(d => d.ToString())));

        // The calls were made by worker processes; the run's counts still account for every analysis.
        Assert.True(manifest.Cost.ProviderRequests + manifest.Cost.CacheHits >= documents,
            $"the manifest counts {manifest.Cost.ProviderRequests} provider requests and {manifest.Cost.CacheHits} cache hits for {documents} documents");
        var verify = await RunVerifier.VerifyAsync(runFolder);
        Assert.True(verify.Succeeded, string.Join(Environment.NewLine, verify.Problems.Take(10)));
    }

    /// <summary>CLIENT KILL TYPE normal, as an operator (or a failing proxy) would do it; returns how many connections it killed.</summary>
    public async Task<long> KillClientConnectionsAsync()
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{Redis.Port}");
        options.AllowAdmin = true;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(options);
        return (long)await admin.GetDatabase().ExecuteAsync("CLIENT", "KILL", "TYPE", "normal");
    }

    /// <summary>Process-log events whose message contains <paramref name="text"/>: when, and the Count property if any.</summary>
    public IReadOnlyList<(DateTimeOffset At, int Count)> LogEvents(string text) =>
        LogLines()
            .Where(l => l.Contains(text, StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (DateTimeOffset.Parse(e.GetProperty("@t").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                e.TryGetProperty("Count", out var count) ? count.GetInt32() : 0))
            .OrderBy(e => e.Item1)
            .ToList();

    /// <summary>Every event of every process log (JSONL), for assertions on what was reported.</summary>
    public IReadOnlyList<string> LogLines() =>
        Directory.GetFiles(LogDirectory, "*.jsonl").SelectMany(File.ReadAllLines).ToList();

    /// <summary>The warnings and errors of every process log and every run log, the last 80: why a cluster run went wrong.</summary>
    private string ProblemLines()
    {
        var files = Directory.Exists(LogDirectory) ? Directory.GetFiles(LogDirectory, "*.jsonl") : [];
        var runLogs = Directory.GetFiles(Root, "*.jsonl", SearchOption.AllDirectories).Where(f => f.Contains($"{Path.DirectorySeparatorChar}runs{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var lines = files.Concat(runLogs)
            .SelectMany(f => File.ReadLines(f).Select(l => $"{Path.GetFileName(f)}: {l}"))
            .Where(l => IsProblem(l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..]))
            .TakeLast(80)
            .ToList();
        return lines.Count == 0 ? string.Empty : $"warnings and errors of the cluster's logs (last {lines.Count}):{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }

    /// <summary>
    /// A warning or an error by its level (process logs: Serilog's <c>@l</c>; run logs: <c>log_level</c>), not by its
    /// text: every model interaction line has an "error" field, and 80 of them hid the worker's reason once.
    /// </summary>
    private static bool IsProblem(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var level = root.TryGetProperty("@l", out var l) ? l.GetString() : root.TryGetProperty("log_level", out var ll) ? ll.GetString() : null;
            return level is not null && (level.StartsWith("warn", StringComparison.OrdinalIgnoreCase) || level.StartsWith("err", StringComparison.OrdinalIgnoreCase)
                || level.StartsWith("fatal", StringComparison.OrdinalIgnoreCase) || level.StartsWith("crit", StringComparison.OrdinalIgnoreCase));
        }
        catch (JsonException)
        {
            // Not JSON (a torn last line, a crash dump): shown, it may be the reason.
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await Connections.DisposeAsync();
        await Redis.DisposeAsync();
        await Model.DisposeAsync();
        _root.Dispose();
    }

    private CliProcess Track(CliProcess process)
    {
        process.Diagnostics = ProblemLines;
        _processes.Add(process);
        return process;
    }
}
