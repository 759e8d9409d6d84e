using Discernus.Hosting;
using Discernus.Telemetry;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Telemetry;

public sealed class ProcessTelemetryTests
{
    [Fact]
    public void NoProviderIsBuilt_WhenNothingIsConfigured()
    {
        using var telemetry = ProcessTelemetry.Start(TelemetryOptions.FromSettings(new Dictionary<string, string?>(), "discernus-run"));
        Assert.Equal("off", telemetry.Description);
        Assert.Null(telemetry.MetricsUrl);
    }

    [Fact]
    public void ATaskSpan_JoinsTheTraceOfTheStageWhoseTraceparentItIsGiven_InTheSpanFile()
    {
        using var temp = new TempFolder();
        var file = Path.Combine(temp.Path, "spans.jsonl");
        var runId = $"test-{Guid.NewGuid():N}";
        string? traceparent;
        using (ProcessTelemetry.Start(TelemetryOptions.FromSettings(new Dictionary<string, string?> { [TelemetryOptions.SpanFileVariable] = file }, "discernus-test")))
        {
            using (var run = DiscernusActivities.StartRun(runId, adopted: false))
            using (var stage = DiscernusActivities.StartStage(runId, "batch_analysis"))
            {
                traceparent = DiscernusActivities.Traceparent(stage);
            }

            // As a worker process does: no ambient span, only the contract's traceparent.
            using (var task = DiscernusActivities.StartTask($"{runId}:analyse_document:1", "analyse_document", runId, "w-1", 2, traceparent))
            {
                DiscernusActivities.Fail(task, "ModelCallException on attempt 2");
            }
        }

        var spans = SpanRecord.ReadAll(temp.Path).Where(s => s.Attribute(DiscernusActivities.RunIdAttribute) == runId).ToList();
        var root = Assert.Single(spans, s => s.Name == "run");
        var stageSpan = Assert.Single(spans, s => s.Name == "stage batch_analysis");
        var taskSpan = Assert.Single(spans, s => s.Name == "task analyse_document");
        Assert.Equal(root.SpanId, stageSpan.ParentSpanId);
        Assert.Equal(stageSpan.SpanId, taskSpan.ParentSpanId);
        Assert.All(spans, s => Assert.Equal(root.TraceId, s.TraceId));
        // W3C: version, trace id, parent span id, flags with the sampled bit set (the runtime may add the random-id bit).
        Assert.StartsWith($"00-{root.TraceId}-{stageSpan.SpanId}-", traceparent, StringComparison.Ordinal);
        Assert.Equal(1, Convert.ToInt32(traceparent![^2..], 16) & 1);
        Assert.Equal("Error", taskSpan.Status);
        Assert.Equal("2", taskSpan.Attribute(DiscernusActivities.AttemptAttribute));
        Assert.Equal("w-1", taskSpan.Attribute(DiscernusActivities.WorkerIdAttribute));
        Assert.Equal("discernus-test", taskSpan.Service);
    }

    [Fact]
    public void ATaskWithoutTraceparent_StartsATraceOfItsOwn()
    {
        using var temp = new TempFolder();
        var runId = $"test-{Guid.NewGuid():N}";
        using (ProcessTelemetry.Start(TelemetryOptions.FromSettings(new Dictionary<string, string?> { [TelemetryOptions.SpanFileVariable] = Path.Combine(temp.Path, "spans.jsonl") }, "discernus-test")))
        {
            using var task = DiscernusActivities.StartTask($"{runId}:analyse_document:1", "analyse_document", runId, "w-1", 1, traceparent: null);
        }

        var span = Assert.Single(SpanRecord.ReadAll(temp.Path), s => s.Attribute(DiscernusActivities.RunIdAttribute) == runId);
        Assert.Null(span.ParentSpanId);
    }

    [Fact]
    public async Task OtlpOverHttp_PostsSpansAndMetrics_ToTheSignalsPathsOfTheEndpoint()
    {
        // A loopback HTTP server stands in for the collector: the test checks where and what is posted, not the protobuf.
        using var listener = new System.Net.HttpListener();
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var posts = new System.Collections.Concurrent.ConcurrentQueue<(string Path, string? ContentType, long Length)>();
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                System.Net.HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is System.Net.HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                posts.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType, body.Length));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        var runId = $"test-{Guid.NewGuid():N}";
        var options = TelemetryOptions.FromSettings(new Dictionary<string, string?>
        {
            [TelemetryOptions.OtlpEndpointVariable] = $"http://127.0.0.1:{port}",
            [TelemetryOptions.ProtocolVariable] = "http/protobuf",
        }, "discernus-test");
        using (var metrics = new DiscernusMetrics())
        using (ProcessTelemetry.Start(options))
        {
            using (DiscernusActivities.StartRun(runId, adopted: false))
            {
                metrics.TaskClaimed("analyse_document");
            }
        }

        // Disposing the providers flushed both exporters.
        listener.Stop();
        await serving;
        Assert.Contains(posts, p => p.Path == "/v1/traces" && p.ContentType == "application/x-protobuf" && p.Length > 0);
        Assert.Contains(posts, p => p.Path == "/v1/metrics" && p.ContentType == "application/x-protobuf" && p.Length > 0);
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
