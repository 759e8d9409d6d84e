using System.Text.Json;

namespace Discernus.Coordination;

/// <summary>How each kind of key is named in output: words for people, snake_case for JSON.</summary>
internal static class RedisKeyKindNames
{
    public static string Describe(RedisKeyKind kind) => kind switch
    {
        RedisKeyKind.OrchestratorTasks => "run request queue (orchestrator.tasks)",
        RedisKeyKind.Tasks => "task queue (tasks)",
        RedisKeyKind.Dead => "dead list",
        RedisKeyKind.Processing => "processing lists",
        RedisKeyKind.Worker => "heartbeats",
        RedisKeyKind.TaskData => "task data",
        RedisKeyKind.TaskAttempts => "task attempt counters",
        RedisKeyKind.RunState => "run states",
        RedisKeyKind.RunDone => "run signal lists (done)",
        RedisKeyKind.RunCompleted => "run completion records (completed)",
        RedisKeyKind.RunCalls => "run model call records (calls)",
        RedisKeyKind.RateLimit => "shared model rate limits (ratelimit)",
        RedisKeyKind.Reset => "reset marker (reset)",
        _ => "keys not in the schema",
    };

    public static string JsonName(RedisKeyKind kind) => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());
}
