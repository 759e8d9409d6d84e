using System.Globalization;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>Helpers shared by the claimers of blocking commands (BLMOVE, BRPOP).</summary>
internal static class BlockingCommands
{
    /// <summary>The smallest server timeout we send: 0 would mean "block forever".</summary>
    public static readonly TimeSpan MinimumBlock = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the next blocking call may wait: the rest of the caller's wait, capped by the per-call limit.</summary>
    public static TimeSpan NextBlock(TimeSpan remaining, TimeSpan perCall)
    {
        var block = remaining < perCall ? remaining : perCall;
        return block < MinimumBlock ? MinimumBlock : block;
    }

    /// <summary>Redis (6.0+) and Garnet accept a decimal number of seconds.</summary>
    public static string FormatSeconds(TimeSpan block) =>
        block.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    public static bool IsUnknownCommand(RedisServerException exception) =>
        exception.Message.Contains("unknown command", StringComparison.OrdinalIgnoreCase);

    /// <summary>BLMOVE arrived in Redis 6.2; older servers answer "unknown command".</summary>
    public static CoordinationFaultException Unsupported(string command, string server, Exception innerException) =>
        new(
            $"Coordination fault: the server at {server} does not support {command}. Discernus needs Redis 6.2 or later, Valkey or Garnet; "
            + $"upgrade it or unset {RedisConnectionFactory.UrlEnvironmentVariable} to use the embedded Garnet server.",
            innerException);
}
