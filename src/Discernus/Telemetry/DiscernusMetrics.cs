using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Discernus.Telemetry;

/// <summary>
/// The <c>Discernus</c> meter of one host, and the only place that records on it: the queue, the Router, the model
/// gateway and the Orchestrator call the small methods below where they act. One instance per
/// <see cref="Orchestration.DiscernusHost"/> (a test process holds many hosts, each with its own gauges); meter
/// providers subscribe by name. With no listener every method costs a check of a flag, and the gauges' Redis sample is
/// never taken (<see cref="CoordinationSampler"/> asks <see cref="GaugesObserved"/> first).
/// </summary>
internal sealed class DiscernusMetrics : IDisposable
{
    public const string MeterName = "Discernus";

    public const string TaskTypeAttribute = "task_type";
    public const string OutcomeAttribute = "outcome";
    public const string ModelAttribute = "model";
    public const string TokenTypeAttribute = "token_type";
    public const string RunIdAttribute = "run_id";
    public const string QueueAttribute = "queue";

    /// <summary>Every instrument, for docs/operations.md and for the test that checks the alert rules' metric names.</summary>
    public static IReadOnlyList<MetricDefinition> Definitions { get; } =
    [
        Counter("discernus.tasks.queued", "{task}", "Tasks pushed to the task queue by an Orchestrator", TaskTypeAttribute),
        Counter("discernus.tasks.claimed", "{task}", "Tasks claimed by an agent loop (each attempt counts)", TaskTypeAttribute),
        Counter("discernus.tasks.completed", "{task}", "Tasks whose agent succeeded (the worker then acknowledges them with their result)", TaskTypeAttribute),
        Counter("discernus.tasks.failed", "{task}", "Tasks whose agent failed: it reported a failure, or threw (each attempt counts)", TaskTypeAttribute),
        Counter("discernus.tasks.requeued", "{task}", "Tasks put back on the queue: after an agent exception below the attempt limit, or as orphans of a dead worker", TaskTypeAttribute),
        Counter("discernus.tasks.dead_lettered", "{task}", "Tasks moved to the dead list (an agent's last failure, or a task whose workers kept dying)", TaskTypeAttribute),
        Histogram("discernus.task.duration", "s", "Time an agent took on one task", TaskTypeAttribute, OutcomeAttribute),
        Gauge("discernus.queue.depth", "{task}", "Items waiting in a queue (queue=tasks or orchestrator.tasks)", QueueAttribute),
        Gauge("discernus.processing.tasks", "{task}", "Tasks claimed and not yet settled, over every processing list"),
        Gauge("discernus.processing.lists", "{list}", "Processing lists that hold at least one task"),
        Gauge("discernus.dead.tasks", "{task}", "Entries in the dead list"),
        Gauge("discernus.workers.live", "{worker}", "Heartbeat keys alive: agent loops and Orchestrator hosts"),
        Counter("discernus.worker.heartbeats", "{beat}", "Heartbeats this process wrote"),
        Counter("discernus.model.calls", "{call}", "Model call attempts (outcome=ok, error, rate_limited or cached)", ModelAttribute, OutcomeAttribute),
        Histogram("discernus.model.call.duration", "s", "Duration of one model call attempt", ModelAttribute, OutcomeAttribute),
        Counter("discernus.model.tokens", "{token}", "Tokens sent and received (token_type=input or output)", ModelAttribute, TokenTypeAttribute),
        Counter("discernus.model.cost.usd", "", "Cost in US dollars from the price table", ModelAttribute),
        Counter("discernus.model.rate_limited", "{response}", "HTTP 429 answers from a provider", ModelAttribute),
        Counter("discernus.cache.hits", "{call}", "Model answers served from the response cache", ModelAttribute),
        Gauge("discernus.model.breaker.open", "", "1 while the model's fail-fast circuit breaker is open, else 0", ModelAttribute),
        Gauge("discernus.run.cost.usd", "", "Cost so far of each run this process orchestrates", RunIdAttribute),
        Gauge("discernus.run.budget.usd", "", "budget.max_cost_usd of each run this process orchestrates that has one", RunIdAttribute),
    ];

    private readonly Meter _meter;
    private readonly Counter<long> _queued;
    private readonly Counter<long> _claimed;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _requeued;
    private readonly Counter<long> _dead;
    private readonly Histogram<double> _taskDuration;
    private readonly Counter<long> _heartbeats;
    private readonly Counter<long> _modelCalls;
    private readonly Histogram<double> _modelDuration;
    private readonly Counter<long> _tokens;
    private readonly Counter<double> _cost;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _cacheHits;
    private readonly ObservableGauge<long> _queueDepth;
    private readonly ConcurrentDictionary<string, (decimal Cost, decimal? Budget)> _runs = new(StringComparer.Ordinal);
    private volatile CoordinationSnapshot? _snapshot;
    private Func<IEnumerable<KeyValuePair<string, bool>>> _breakers = () => [];

    public DiscernusMetrics()
    {
        _meter = new Meter(MeterName, typeof(DiscernusMetrics).Assembly.GetName().Version?.ToString());
        _queued = CreateCounter("discernus.tasks.queued");
        _claimed = CreateCounter("discernus.tasks.claimed");
        _completed = CreateCounter("discernus.tasks.completed");
        _failed = CreateCounter("discernus.tasks.failed");
        _requeued = CreateCounter("discernus.tasks.requeued");
        _dead = CreateCounter("discernus.tasks.dead_lettered");
        _taskDuration = CreateHistogram("discernus.task.duration");
        _queueDepth = _meter.CreateObservableGauge("discernus.queue.depth", ObserveQueues, Find("discernus.queue.depth").Unit, Find("discernus.queue.depth").Description);
        CreateGauge("discernus.processing.tasks", s => s.ProcessingTasks);
        CreateGauge("discernus.processing.lists", s => s.ProcessingLists);
        CreateGauge("discernus.dead.tasks", s => s.DeadTasks);
        CreateGauge("discernus.workers.live", s => s.LiveWorkers);
        _heartbeats = CreateCounter("discernus.worker.heartbeats");
        _modelCalls = CreateCounter("discernus.model.calls");
        _modelDuration = CreateHistogram("discernus.model.call.duration");
        _tokens = CreateCounter("discernus.model.tokens");
        _cost = _meter.CreateCounter<double>("discernus.model.cost.usd", null, Find("discernus.model.cost.usd").Description);
        _rateLimited = CreateCounter("discernus.model.rate_limited");
        _cacheHits = CreateCounter("discernus.cache.hits");
        _meter.CreateObservableGauge("discernus.model.breaker.open", ObserveBreakers, null, Find("discernus.model.breaker.open").Description);
        _meter.CreateObservableGauge("discernus.run.cost.usd", () => _runs.Select(r => new Measurement<double>((double)r.Value.Cost, new KeyValuePair<string, object?>(RunIdAttribute, r.Key))), null, Find("discernus.run.cost.usd").Description);
        _meter.CreateObservableGauge("discernus.run.budget.usd", () => _runs.Where(r => r.Value.Budget is not null).Select(r => new Measurement<double>((double)r.Value.Budget!.Value, new KeyValuePair<string, object?>(RunIdAttribute, r.Key))), null, Find("discernus.run.budget.usd").Description);
    }

    /// <summary>The meter itself, for tests that listen to this host's instruments only.</summary>
    internal Meter Meter => _meter;

    /// <summary>True when a meter provider listens to the coordination gauges, so sampling Redis for them is worth it.</summary>
    public bool GaugesObserved => _queueDepth.Enabled;

    public void TasksQueued(string taskType, int count) => _queued.Add(count, Tag(TaskTypeAttribute, taskType));

    public void TaskClaimed(string? taskType) => _claimed.Add(1, Tag(TaskTypeAttribute, taskType ?? "unknown"));

    /// <summary>An agent's outcome: succeeded, failed (a failure signal) or threw (<paramref name="outcome"/> = exception).</summary>
    public void TaskFinished(string taskType, bool succeeded, TimeSpan duration, string? outcome = null)
    {
        var type = Tag(TaskTypeAttribute, taskType);
        (succeeded ? _completed : _failed).Add(1, type);
        _taskDuration.Record(duration.TotalSeconds, type, Tag(OutcomeAttribute, outcome ?? (succeeded ? "succeeded" : "failed")));
    }

    public void TaskRequeued(string? taskType, int count = 1) => _requeued.Add(count, Tag(TaskTypeAttribute, taskType ?? "unknown"));

    public void TaskDeadLettered(string? taskType) => _dead.Add(1, Tag(TaskTypeAttribute, taskType ?? "unknown"));

    public void Heartbeat() => _heartbeats.Add(1);

    /// <summary>One model call attempt as the gateway recorded it (<see cref="Models.LlmInteraction"/>).</summary>
    public void ModelCall(string model, TimeSpan duration, bool cached, bool failed, int? statusCode, long? inputTokens, long? outputTokens, decimal? costUsd)
    {
        var modelTag = Tag(ModelAttribute, model);
        var outcome = cached ? "cached" : statusCode == 429 ? "rate_limited" : failed ? "error" : "ok";
        _modelCalls.Add(1, modelTag, Tag(OutcomeAttribute, outcome));
        _modelDuration.Record(duration.TotalSeconds, modelTag, Tag(OutcomeAttribute, outcome));
        if (cached)
        {
            _cacheHits.Add(1, modelTag);
            return;
        }

        if (statusCode == 429)
        {
            _rateLimited.Add(1, modelTag);
        }

        if (inputTokens is > 0)
        {
            _tokens.Add(inputTokens.Value, modelTag, Tag(TokenTypeAttribute, "input"));
        }

        if (outputTokens is > 0)
        {
            _tokens.Add(outputTokens.Value, modelTag, Tag(TokenTypeAttribute, "output"));
        }

        if (costUsd is > 0)
        {
            _cost.Add((double)costUsd.Value, modelTag);
        }
    }

    /// <summary>The cost of a run this process orchestrates, and its budget if it has one, for the budget alert.</summary>
    public void RunCost(string runId, decimal cost, decimal? budget) => _runs[runId] = (cost, budget);

    public void RunEnded(string runId) => _runs.TryRemove(runId, out _);

    /// <summary>The latest sizes of the coordination lists (<see cref="CoordinationSampler"/>).</summary>
    public void Observe(CoordinationSnapshot snapshot) => _snapshot = snapshot;

    /// <summary>Where the breaker gauge reads the process's breakers (model name, open), set once by the host.</summary>
    public void ObserveBreakers(Func<IEnumerable<KeyValuePair<string, bool>>> breakers) => _breakers = breakers;

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveQueues() =>
        _snapshot is { } s
            ? [new(s.QueuedTasks, Tag(QueueAttribute, "tasks")), new(s.QueuedRunRequests, Tag(QueueAttribute, "orchestrator.tasks"))]
            : [];

    private IEnumerable<Measurement<long>> ObserveBreakers() =>
        _breakers().Select(b => new Measurement<long>(b.Value ? 1 : 0, Tag(ModelAttribute, b.Key)));

    private Counter<long> CreateCounter(string name)
    {
        var definition = Find(name);
        return _meter.CreateCounter<long>(name, definition.Unit, definition.Description);
    }

    private Histogram<double> CreateHistogram(string name)
    {
        var definition = Find(name);
        // Seconds, from a cached answer (milliseconds) to a slow model call (minutes); the SDK's default buckets are for milliseconds.
        return _meter.CreateHistogram<double>(name, definition.Unit, definition.Description, tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] });
    }

    private void CreateGauge(string name, Func<CoordinationSnapshot, long> read)
    {
        var definition = Find(name);
        _meter.CreateObservableGauge(name, () => _snapshot is { } s ? [new Measurement<long>(read(s))] : Array.Empty<Measurement<long>>(), definition.Unit, definition.Description);
    }

    private static MetricDefinition Find(string name) => Definitions.First(d => d.Name == name);

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    private static MetricDefinition Counter(string name, string unit, string description, params string[] attributes) =>
        new() { Name = name, Kind = MetricKind.Counter, Unit = unit, Description = description, Attributes = attributes };

    private static MetricDefinition Histogram(string name, string unit, string description, params string[] attributes) =>
        new() { Name = name, Kind = MetricKind.Histogram, Unit = unit, Description = description, Attributes = attributes };

    private static MetricDefinition Gauge(string name, string unit, string description, params string[] attributes) =>
        new() { Name = name, Kind = MetricKind.Gauge, Unit = unit, Description = description, Attributes = attributes };
}
