using System.Diagnostics.Metrics;
using Discernus.Telemetry;

namespace Discernus.Tests.Telemetry;

public sealed class DiscernusMetricsTests
{
    [Theory]
    [InlineData("discernus.tasks.completed", "discernus_tasks_completed_total")]
    [InlineData("discernus.task.duration", "discernus_task_duration_seconds")]
    [InlineData("discernus.model.cost.usd", "discernus_model_cost_usd_total")]
    [InlineData("discernus.queue.depth", "discernus_queue_depth")]
    [InlineData("discernus.model.breaker.open", "discernus_model_breaker_open")]
    public void PrometheusNames_FollowTheExportersTranslation(string name, string prometheus) =>
        Assert.Equal(prometheus, DiscernusMetrics.Definitions.Single(d => d.Name == name).PrometheusName);

    [Fact]
    public void EveryInstrumentTheMeterCreates_IsDeclared_AndEveryDeclaredOneIsCreated()
    {
        using var metrics = new DiscernusMetrics();
        var created = new List<string>();
        using var listener = new MeterListener { InstrumentPublished = (instrument, _) => { if (instrument.Meter == metrics.Meter) created.Add(instrument.Name); } };
        listener.Start();
        Assert.Equal(DiscernusMetrics.Definitions.Select(d => d.Name).Order(StringComparer.Ordinal), created.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A429_CountsAsRateLimited_AndACachedAnswer_AsACacheHitWithoutTokens()
    {
        using var metrics = new DiscernusMetrics();
        using var seen = Listen(metrics);
        metrics.ModelCall("openai/gpt-4o-mini", TimeSpan.FromMilliseconds(30), cached: false, failed: true, statusCode: 429, null, null, null);
        metrics.ModelCall("openai/gpt-4o-mini", TimeSpan.FromMilliseconds(900), cached: false, failed: false, statusCode: null, 1200, 80, 0.0003m);
        metrics.ModelCall("openai/gpt-4o-mini", TimeSpan.FromMilliseconds(2), cached: true, failed: false, statusCode: null, 1200, 80, 0m);

        Assert.Equal(1, seen.Sum("discernus.model.rate_limited"));
        Assert.Equal(1, seen.Sum("discernus.model.calls", ("outcome", "rate_limited")));
        Assert.Equal(1, seen.Sum("discernus.model.calls", ("outcome", "ok")));
        Assert.Equal(1, seen.Sum("discernus.model.calls", ("outcome", "cached")));
        Assert.Equal(1, seen.Sum("discernus.cache.hits"));
        Assert.Equal(1200, seen.Sum("discernus.model.tokens", ("token_type", "input")));
        Assert.Equal(80, seen.Sum("discernus.model.tokens", ("token_type", "output")));
        Assert.Equal(0.0003, seen.Sum("discernus.model.cost.usd"), 6);
        Assert.Equal(3, seen.Count("discernus.model.call.duration"));
    }

    [Fact]
    public void TheCoordinationGauges_ReportTheLatestSample_AndNothingBeforeTheFirst()
    {
        using var metrics = new DiscernusMetrics();
        using var seen = Listen(metrics);
        seen.Collect();
        Assert.Equal(0, seen.Count("discernus.queue.depth"));

        metrics.Observe(new CoordinationSnapshot { QueuedTasks = 12, QueuedRunRequests = 1, ProcessingTasks = 3, ProcessingLists = 2, DeadTasks = 4, LiveWorkers = 5 });
        seen.Collect();
        Assert.Equal(12, seen.Sum("discernus.queue.depth", ("queue", "tasks")));
        Assert.Equal(1, seen.Sum("discernus.queue.depth", ("queue", "orchestrator.tasks")));
        Assert.Equal(3, seen.Sum("discernus.processing.tasks"));
        Assert.Equal(4, seen.Sum("discernus.dead.tasks"));
        Assert.Equal(5, seen.Sum("discernus.workers.live"));
    }

    [Fact]
    public void TheRunGauges_ShowActiveRunsOnly_AndTheBudgetOnlyWhenThereIsOne()
    {
        using var metrics = new DiscernusMetrics();
        using var seen = Listen(metrics);
        metrics.RunCost("run-a", 4.5m, 5m);
        metrics.RunCost("run-b", 1m, null);
        seen.Collect();
        Assert.Equal(4.5, seen.Sum("discernus.run.cost.usd", ("run_id", "run-a")));
        Assert.Equal(5, seen.Sum("discernus.run.budget.usd", ("run_id", "run-a")));
        Assert.Equal(0, seen.Count("discernus.run.budget.usd", ("run_id", "run-b")));

        metrics.RunEnded("run-a");
        seen.Clear();
        seen.Collect();
        Assert.Equal(0, seen.Count("discernus.run.cost.usd", ("run_id", "run-a")));
        Assert.Equal(1, seen.Count("discernus.run.cost.usd", ("run_id", "run-b")));
    }

    [Fact]
    public void TheBreakerGauge_ReadsTheBreakersItIsGiven()
    {
        using var metrics = new DiscernusMetrics();
        using var seen = Listen(metrics);
        metrics.ObserveBreakers(() => [new("openai/gpt-4o", true), new("anthropic/claude", false)]);
        seen.Collect();
        Assert.Equal(1, seen.Sum("discernus.model.breaker.open", ("model", "openai/gpt-4o")));
        Assert.Equal(0, seen.Sum("discernus.model.breaker.open", ("model", "anthropic/claude")));
    }

    private static Recorded Listen(DiscernusMetrics metrics)
    {
        var recorded = new Recorded();
        var listener = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument.Meter == metrics.Meter) l.EnableMeasurementEvents(instrument); } };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => recorded.Add(instrument.Name, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => recorded.Add(instrument.Name, value, tags));
        listener.Start();
        recorded.Listener = listener;
        return recorded;
    }

    private sealed class Recorded : IDisposable
    {
        private readonly List<(string Name, double Value, Dictionary<string, string?> Tags)> _values = [];

        public MeterListener? Listener { get; set; }

        public void Add(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value?.ToString();
            }

            lock (_values)
            {
                _values.Add((name, value, copy));
            }
        }

        public void Collect() => Listener!.RecordObservableInstruments();

        public void Dispose() => Listener?.Dispose();

        public void Clear()
        {
            lock (_values)
            {
                _values.Clear();
            }
        }

        public double Sum(string name, params (string Key, string Value)[] tags) => Matching(name, tags).Sum(v => v.Value);

        public int Count(string name, params (string Key, string Value)[] tags) => Matching(name, tags).Count;

        private List<(string Name, double Value, Dictionary<string, string?> Tags)> Matching(string name, (string Key, string Value)[] tags)
        {
            lock (_values)
            {
                return _values.Where(v => v.Name == name && tags.All(t => v.Tags.GetValueOrDefault(t.Key) == t.Value)).ToList();
            }
        }
    }
}
