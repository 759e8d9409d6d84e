using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Health;
using Discernus.Provenance;
using Discernus.Telemetry;
using Discernus.Tests.Faults;
using Xunit.Abstractions;

namespace Discernus.Tests.Telemetry;

/// <summary>
/// Issue 19: a distributed run as an operator would watch it. Real `discernus worker` and `discernus run` processes on
/// a real redis-server, each writing its spans to a file of its own (DISCERNUS_OTEL_FILE, since an in-memory exporter
/// cannot cross processes), three workers serving Prometheus metrics and one its health endpoint, all read over HTTP.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class DistributedTelemetryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(3);
    private static readonly string[] Stages = [StageNames.Validation, StageNames.RunSetup, StageNames.BatchAnalysis, StageNames.Synthesis, StageNames.Report];

    [Fact]
    public async Task OneRunIsOneTrace_AcrossThreeWorkers_AndTheWorkersMetricsCountEveryTask()
    {
        const int documents = 60;
        await using var cluster = await FaultCluster.StartAsync();
        var spans = Path.Combine(cluster.Root, "spans");
        var environment = new Dictionary<string, string?> { [TelemetryOptions.SpanFileVariable] = Path.Combine(spans, "{pid}.jsonl") };
        var experiment = SyntheticExperiment.Create(cluster.Root, "traced", documents);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var serving = new List<ServingWorker>();
        for (var i = 0; i < 3; i++)
        {
            serving.Add(await StartServingWorkerAsync(cluster, $"worker-{i + 1}", environment, http, withHealth: i == 0));
        }

        var workers = serving.Select(s => s.Process).ToList();
        var metricsPorts = serving.Select(s => s.MetricsPort).ToList();
        var healthPort = serving[0].HealthPort;

        var clock = Stopwatch.StartNew();
        var run = cluster.StartRun("run", experiment, environment, "--no-local-workers");
        Assert.True(0 == await run.WaitForExitAsync(RunLimit), run.Output);
        var elapsed = clock.Elapsed;
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, TimeSpan.FromSeconds(5));
        await cluster.AssertCompleteAsync(runFolder, documents);
        var runId = Path.GetFileName(runFolder);

        // Spans: the run is one trace whose root is the run's span, with a child per stage.
        var all = SpanRecord.ReadAll(spans);
        var root = Assert.Single(all, s => s.Name == DiscernusActivities.RunSpan && s.Attribute(DiscernusActivities.RunIdAttribute) == runId);
        Assert.Null(root.ParentSpanId);
        var trace = all.Where(s => s.TraceId == root.TraceId).ToList();
        Assert.All(all.Where(s => s.Attribute(DiscernusActivities.RunIdAttribute) == runId), s => Assert.Equal(root.TraceId, s.TraceId));
        var stages = trace.Where(s => s.Name.StartsWith(DiscernusActivities.StagePrefix, StringComparison.Ordinal)).ToDictionary(s => s.Attribute(DiscernusActivities.StageAttribute)!, StringComparer.Ordinal);
        Assert.Equal(Stages.Order(StringComparer.Ordinal), stages.Keys.Order(StringComparer.Ordinal));
        Assert.All(stages.Values, s => Assert.Equal(root.SpanId, s.ParentSpanId));

        // Every task, in the worker process that ran it, is a child of the stage that queued it.
        var tasks = trace.Where(s => s.Name.StartsWith(DiscernusActivities.TaskPrefix, StringComparison.Ordinal)).ToList();
        var expectedTasks = Enumerable.Range(1, documents).Select(n => TaskIds.Build(runId, TaskTypes.AnalyseDocument, n))
            .Append(TaskIds.Build(runId, TaskTypes.SynthesizeResults, 1)).Append(TaskIds.Build(runId, TaskTypes.GenerateReport, 1)).ToList();
        Assert.Equal(expectedTasks.Order(StringComparer.Ordinal), tasks.Select(t => t.Attribute(DiscernusActivities.TaskIdAttribute)!).Order(StringComparer.Ordinal));
        var stageOf = new Dictionary<string, string>
        {
            [TaskTypes.AnalyseDocument] = StageNames.BatchAnalysis,
            [TaskTypes.SynthesizeResults] = StageNames.Synthesis,
            [TaskTypes.GenerateReport] = StageNames.Report,
        };
        Assert.All(tasks, t => Assert.Equal(stages[stageOf[t.Attribute(DiscernusActivities.TaskTypeAttribute)!]].SpanId, t.ParentSpanId));
        Assert.All(tasks, t => Assert.Equal("discernus-worker", t.Service));
        var workerPids = workers.Select(w => w.Id).ToHashSet();
        var taskPids = tasks.Select(t => t.Pid).ToHashSet();
        Assert.True(taskPids.SetEquals(workerPids), $"tasks ran in processes {string.Join(", ", taskPids)}; the workers are {string.Join(", ", workerPids)}");

        // Every model call the fake provider answered is a gen_ai span, a child of the task that made it.
        var calls = trace.Where(s => s.Attribute("gen_ai.operation.name") == "chat").ToList();
        Assert.Equal(cluster.Model.Requests.Count, calls.Count);
        var taskSpans = tasks.ToDictionary(t => t.SpanId, StringComparer.Ordinal);
        Assert.All(calls, c => Assert.True(c.ParentSpanId is not null && taskSpans.ContainsKey(c.ParentSpanId), $"the call span {c.SpanId} has no task parent"));
        Assert.Equal(documents + 1, calls.Select(c => taskSpans[c.ParentSpanId!].Attribute(DiscernusActivities.TaskIdAttribute)).Distinct().Count());
        Assert.All(calls, c => Assert.Equal(FaultCluster.ModelName.Split('/')[1], c.Attribute("gen_ai.request.model")));

        // Metrics, scraped from each worker: the completions add up to the tasks, the model calls to the requests.
        var scrapes = new List<PrometheusScrape>();
        foreach (var port in metricsPorts)
        {
            scrapes.Add(PrometheusScrape.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"))));
        }

        double Total(string name, params (string, string)[] labels) => scrapes.Sum(s => s.Sum(name, labels));
        var completed = Total(Prom("discernus.tasks.completed"), (DiscernusMetrics.TaskTypeAttribute, TaskTypes.AnalyseDocument));
        Assert.Equal(documents, completed);
        Assert.Equal(1, Total(Prom("discernus.tasks.completed"), (DiscernusMetrics.TaskTypeAttribute, TaskTypes.SynthesizeResults)));
        Assert.Equal(1, Total(Prom("discernus.tasks.completed"), (DiscernusMetrics.TaskTypeAttribute, TaskTypes.GenerateReport)));
        Assert.Equal(0, Total(Prom("discernus.tasks.failed")));
        Assert.Equal(documents + 2, Total(Prom("discernus.task.duration") + "_count"));
        Assert.Equal(cluster.Model.Requests.Count, Total(Prom("discernus.model.calls"), (DiscernusMetrics.OutcomeAttribute, "ok")));
        Assert.True(Total(Prom("discernus.model.tokens"), (DiscernusMetrics.TokenTypeAttribute, "input")) > 0);
        Assert.True(Total(Prom("discernus.worker.heartbeats")) >= 6, "each of the 6 agent loops beats at least once");
        Assert.All(scrapes, s => Assert.True(s.Sum(Prom("discernus.tasks.completed")) > 0, "every worker completed tasks"));

        // The names a scrape shows are the ones DiscernusMetrics declares (the alert rules rely on them).
        var seen = scrapes.SelectMany(s => s.Names).ToHashSet(StringComparer.Ordinal);
        var expectedNames = new[] { "discernus.tasks.claimed", "discernus.tasks.completed", "discernus.task.duration", "discernus.model.calls", "discernus.model.call.duration",
            "discernus.model.tokens", "discernus.worker.heartbeats", "discernus.queue.depth", "discernus.processing.tasks", "discernus.dead.tasks", "discernus.workers.live" };
        foreach (var name in expectedNames)
        {
            var definition = DiscernusMetrics.Definitions.Single(d => d.Name == name);
            var shown = definition.Kind == MetricKind.Histogram ? definition.PrometheusName + "_bucket" : definition.PrometheusName;
            Assert.True(seen.Contains(shown), $"{name} should be scraped as {shown}; the scrape has {string.Join(", ", seen.Where(n => n.StartsWith("discernus", StringComparison.Ordinal)))}");
        }

        // Health of the first worker, over HTTP.
        using var live = await http.GetAsync(new Uri($"http://127.0.0.1:{healthPort}{WorkerHealth.LivenessPath}"));
        using var ready = await http.GetAsync(new Uri($"http://127.0.0.1:{healthPort}{WorkerHealth.ReadinessPath}"));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var readiness = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", readiness.GetProperty("status").GetString());
        Assert.Equal(
            [ArtifactStoreHealthCheck.Name, HostLoopsHealthCheck.Name, ModelBreakersHealthCheck.Name, RedisHealthCheck.Name],
            readiness.GetProperty("checks").EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));

        var perWorker = string.Join(", ", workers.Select(w => $"{w.Name} {tasks.Count(t => t.Pid == w.Id)}"));
        output.WriteLine($"{documents} documents over 3 workers in {elapsed.TotalSeconds:F1} s: {all.Count} spans written, {trace.Count} in the run's trace " +
            $"({stages.Count} stages, {tasks.Count} tasks: {perWorker}; {calls.Count} model calls); tasks completed per /metrics: {completed} analyses");
    }

    [Fact]
    public async Task WithProcessIsolation_TheChildsModelCalls_JoinTheTaskInTheRunsTrace()
    {
        const int documents = 6;
        await using var cluster = await FaultCluster.StartAsync();
        var spans = Path.Combine(cluster.Root, "spans");
        var environment = new Dictionary<string, string?> { [TelemetryOptions.SpanFileVariable] = Path.Combine(spans, "{pid}.jsonl") };
        var experiment = SyntheticExperiment.Create(cluster.Root, "isolated", documents);
        var worker = cluster.StartWorker("worker", 2, environment, "--isolation", "process");
        var run = cluster.StartRun("run", experiment, environment, "--no-local-workers");
        Assert.True(0 == await run.WaitForExitAsync(RunLimit), run.Output + worker.Output);
        var runFolder = await FaultCluster.RunFolderOfAsync(experiment, TimeSpan.FromSeconds(5));
        await cluster.AssertCompleteAsync(runFolder, documents);

        var all = SpanRecord.ReadAll(spans);
        var root = Assert.Single(all, s => s.Name == DiscernusActivities.RunSpan && s.Attribute(DiscernusActivities.RunIdAttribute) == Path.GetFileName(runFolder));
        var trace = all.Where(s => s.TraceId == root.TraceId).ToDictionary(s => s.SpanId, StringComparer.Ordinal);
        var calls = trace.Values.Where(s => s.Attribute("gen_ai.operation.name") == "chat").ToList();
        Assert.Equal(cluster.Model.Requests.Count, calls.Count);
        foreach (var call in calls)
        {
            // chat (child process) → agent_process (child process) → task (worker) → stage (run process).
            var child = trace[call.ParentSpanId!];
            Assert.StartsWith(DiscernusActivities.AgentProcessPrefix, child.Name, StringComparison.Ordinal);
            Assert.Equal("discernus-agent", child.Service);
            Assert.NotEqual(worker.Id, child.Pid);
            var task = trace[child.ParentSpanId!];
            Assert.StartsWith(DiscernusActivities.TaskPrefix, task.Name, StringComparison.Ordinal);
            Assert.Equal(worker.Id, task.Pid);
            Assert.Equal(task.Attribute(DiscernusActivities.TaskIdAttribute), child.Attribute(DiscernusActivities.TaskIdAttribute));
        }

        output.WriteLine($"{documents} documents, each task in a child process: {calls.Count} model calls in {calls.Select(c => c.Pid).Distinct().Count()} child processes, all in the run's trace under their tasks");
    }

    [Fact]
    public async Task Readyz_TurnsUnready_WhenRedisStops_AndReadyAgain_WhenItReturns()
    {
        await using var cluster = await FaultCluster.StartAsync();
        var healthPort = FreePort();
        var worker = cluster.StartWorker("worker", 1, null, "--health-port", Text(healthPort));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var readyz = $"http://127.0.0.1:{healthPort}{WorkerHealth.ReadinessPath}";
        var healthz = $"http://127.0.0.1:{healthPort}{WorkerHealth.LivenessPath}";
        await WaitForAsync(http, readyz, HttpStatusCode.OK, TimeSpan.FromSeconds(60), [worker]);

        var clock = Stopwatch.StartNew();
        await cluster.Redis.StopAsync();
        var stopped = clock.Elapsed;
        await WaitForAsync(http, readyz, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10), [worker]);
        var unready = clock.Elapsed - stopped;
        using (var body = await http.GetAsync(new Uri(readyz)))
        {
            var checks = JsonDocument.Parse(await body.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
            Assert.Equal("Unhealthy", checks.GetProperty(RedisHealthCheck.Name).GetProperty("status").GetString());
            Assert.Equal("Healthy", checks.GetProperty(ArtifactStoreHealthCheck.Name).GetProperty("status").GetString());
        }

        // The loops ride the outage out (DISCERNUS_REDIS_OUTAGE_SECONDS): the process is alive, only not ready.
        using (var alive = await http.GetAsync(new Uri(healthz)))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        var restarting = clock.Elapsed;
        await cluster.Redis.StartAgainAsync();
        await WaitForAsync(http, readyz, HttpStatusCode.OK, TimeSpan.FromSeconds(30), [worker]);
        var readyAgain = clock.Elapsed - restarting;
        Assert.False(worker.HasExited, worker.Output);
        output.WriteLine($"/readyz unready {unready.TotalSeconds:F1} s after redis-server stopped, ready again {readyAgain.TotalSeconds:F1} s after it was started again; /healthz stayed 200");
    }

    private sealed record ServingWorker(CliProcess Process, int MetricsPort, int HealthPort);

    /// <summary>
    /// Starts a worker serving /metrics (and the health endpoints) and waits until it answers. The ports are picked free
    /// in advance, so another process of the parallel test run can take one before the worker binds it; that worker exits
    /// at start naming the port ("cannot serve metrics on port …"), and is started again on new ports.
    /// </summary>
    private static async Task<ServingWorker> StartServingWorkerAsync(FaultCluster cluster, string name, IReadOnlyDictionary<string, string?> environment, HttpClient http, bool withHealth)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var metricsPort = FreePort();
            var healthPort = FreePort();
            string[] arguments = withHealth ? ["--metrics-port", Text(metricsPort), "--health-port", Text(healthPort)] : ["--metrics-port", Text(metricsPort)];
            var worker = cluster.StartWorker(name, 2, environment, arguments);
            try
            {
                await WaitForAsync(http, $"http://127.0.0.1:{metricsPort}/metrics", HttpStatusCode.OK, TimeSpan.FromSeconds(60), [worker]);
                return new ServingWorker(worker, metricsPort, healthPort);
            }
            catch (Xunit.Sdk.XunitException) when (attempt < attempts && worker.HasExited && worker.Output.Contains("port", StringComparison.OrdinalIgnoreCase))
            {
                // The port was taken between FreePort and the worker's bind: try new ones.
            }
        }
    }

    private static string Prom(string name) => DiscernusMetrics.Definitions.Single(d => d.Name == name).PrometheusName;

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls <paramref name="url"/> until it answers <paramref name="status"/>; fails with the processes' output past the limit.</summary>
    private static async Task WaitForAsync(HttpClient http, string url, HttpStatusCode status, TimeSpan limit, IReadOnlyList<CliProcess> processes)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer";
        while (clock.Elapsed < limit)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(url));
                if (response.StatusCode == status)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            if (processes.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                throw new Xunit.Sdk.XunitException($"{exited.Name} exited while waiting for {url}: {exited.Output}");
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"{url} did not answer {(int)status} within {limit.TotalSeconds} s (last: {last}); {string.Join(Environment.NewLine, processes.Select(p => $"{p.Name}: {p.Output}"))}");
    }
}
