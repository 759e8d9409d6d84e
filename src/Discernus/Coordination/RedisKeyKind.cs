namespace Discernus.Coordination;

/// <summary>The kinds of key in the schema of ARCHITECTURE.md, as the audit and the reset count them.</summary>
internal enum RedisKeyKind
{
    /// <summary>Under the prefix but not part of the schema.</summary>
    Unknown,
    OrchestratorTasks,
    Tasks,
    Dead,
    Processing,
    Worker,
    TaskData,
    TaskAttempts,
    RunState,
    RunDone,
    RunCompleted,

    /// <summary>A shared model rate limit (token bucket) of the model gateway.</summary>
    RateLimit,
}
