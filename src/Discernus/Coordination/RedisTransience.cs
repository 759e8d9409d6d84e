using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>Which Redis failures pass on their own (a dropped connection, a restart, a timeout) and are worth waiting out.</summary>
internal static class RedisTransience
{
    private static readonly string[] TransientServerReplies = ["LOADING", "READONLY", "MASTERDOWN", "TRYAGAIN", "BUSY", "CLUSTERDOWN"];

    public static bool IsTransient(Exception? exception) => exception switch
    {
        null => false,
        RedisConnectionException => true,
        RedisTimeoutException => true,
        RedisServerException server => TransientServerReplies.Any(reply =>
            server.Message.StartsWith(reply, StringComparison.Ordinal) || server.Message.StartsWith("ERR " + reply, StringComparison.Ordinal)),
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        _ => false,
    };

    /// <summary>A one-line description without stack trace or client internals beyond the failure kind.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        RedisConnectionException connection => $"connection lost ({connection.FailureType})",
        RedisTimeoutException => "timeout",
        _ => exception.Message.Split('\n')[0].Trim(),
    };
}
