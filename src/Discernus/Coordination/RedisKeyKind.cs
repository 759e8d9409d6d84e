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

    /// <summary>Model call records of a run made by workers that cannot write its folder, for its Orchestrator to log.</summary>
    RunCalls,

    /// <summary>A shared model rate limit (token bucket) of the model gateway.</summary>
    RateLimit,

    /// <summary>When `debug --reset` last wiped the keys (expires): claims that lose their contract meanwhile were wiped, not misproduced.</summary>
    Reset,
}
