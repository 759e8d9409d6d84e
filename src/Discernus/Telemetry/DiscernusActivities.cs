using System.Diagnostics;

namespace Discernus.Telemetry;

/// <summary>
/// The spans of a run: <c>run</c> → <c>stage {name}</c> → <c>task {task_type}</c> → <c>chat {model}</c> (the last from
/// Microsoft.Extensions.AI's OpenTelemetry middleware, on this source's name). A task's span is started by whichever
/// worker process claims it, as a child of the W3C trace context its contract carries (<c>traceparent</c>), so one run
/// is one trace across processes. Without a listener (no exporter configured) <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null and nothing is allocated.
/// </summary>
/// <remarks>
/// The source is static, unlike the meter (<see cref="DiscernusMetrics"/>): tracing is ambient by design
/// (<see cref="Activity.Current"/> flows with the async context), and a source holds no state of ours: listeners are
/// attached by the process's tracer provider, which the composition root owns.
/// </remarks>
internal static class DiscernusActivities
{
    public const string SourceName = "Discernus";

    public const string RunSpan = "run";
    public const string StagePrefix = "stage ";
    public const string TaskPrefix = "task ";
    public const string AgentProcessPrefix = "agent_process ";

    public const string RunIdAttribute = "discernus.run_id";
    public const string TaskIdAttribute = "discernus.task_id";
    public const string TaskTypeAttribute = "discernus.task_type";
    public const string StageAttribute = "discernus.stage";
    public const string WorkerIdAttribute = "discernus.worker_id";
    public const string AttemptAttribute = "discernus.attempt";
    public const string OutcomeAttribute = "discernus.outcome";
    public const string AdoptedAttribute = "discernus.adopted";

    private static readonly ActivitySource Source = new(SourceName, typeof(DiscernusActivities).Assembly.GetName().Version?.ToString());

    /// <summary>The span of one execution of a run (an adopted run's new execution starts a trace of its own).</summary>
    public static Activity? StartRun(string runId, bool adopted)
    {
        var activity = Source.StartActivity(RunSpan, ActivityKind.Internal);
        activity?.SetTag(RunIdAttribute, runId);
        activity?.SetTag(AdoptedAttribute, adopted);
        return activity;
    }

    /// <summary>A stage of the current run, a child of the current span (the run's).</summary>
    public static Activity? StartStage(string runId, string stage)
    {
        var activity = Source.StartActivity(StagePrefix + stage, ActivityKind.Internal);
        activity?.SetTag(RunIdAttribute, runId);
        activity?.SetTag(StageAttribute, stage);
        return activity;
    }

    /// <summary>
    /// A task as a worker runs it: a consumer span whose parent is the stage that queued it, read from the contract's
    /// <c>traceparent</c>; a task without one (queued by an older version, or with tracing off there) starts its own trace.
    /// </summary>
    public static Activity? StartTask(string taskId, string? taskType, string? runId, string workerId, int attempt, string? traceparent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(traceparent, null, isRemote: true, out var parent);
        var activity = Source.StartActivity(TaskPrefix + (taskType ?? "unknown"), ActivityKind.Consumer, parent);
        activity?.SetTag(TaskIdAttribute, taskId);
        activity?.SetTag(TaskTypeAttribute, taskType);
        activity?.SetTag(RunIdAttribute, runId);
        activity?.SetTag(WorkerIdAttribute, workerId);
        activity?.SetTag(AttemptAttribute, attempt);
        return activity;
    }

    /// <summary>
    /// A task's child agent process (<c>--isolation process</c>): a child of the worker's task span, read from the request
    /// the worker hands over, so the model calls made in the child join the run's trace.
    /// </summary>
    public static Activity? StartAgentProcess(string taskId, string taskType, string? traceparent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(traceparent, null, isRemote: true, out var parent);
        var activity = Source.StartActivity(AgentProcessPrefix + taskType, ActivityKind.Internal, parent);
        activity?.SetTag(TaskIdAttribute, taskId);
        activity?.SetTag(TaskTypeAttribute, taskType);
        return activity;
    }

    /// <summary>The W3C traceparent of <paramref name="activity"/> for a task contract; null when it is not traced.</summary>
    public static string? Traceparent(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } a ? a.Id : null;

    /// <summary>Marks a span failed with the reason (already free of secrets: it is what the run logs say).</summary>
    public static void Fail(Activity? activity, string reason)
    {
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        activity?.SetTag(OutcomeAttribute, "failed");
    }
}
