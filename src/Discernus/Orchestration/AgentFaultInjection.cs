using System.Runtime.CompilerServices;
using Discernus.Configuration;

namespace Discernus.Orchestration;

/// <summary>
/// A testing aid for the fault tests of process isolation, never for production: with
/// <c>DISCERNUS_FAULT_INJECT_AGENT_CRASH=&lt;mode&gt;:&lt;sha256&gt;[,&lt;mode&gt;:&lt;sha256&gt;…]</c> in its environment, a child
/// agent process (<c>discernus agent</c>, only ever started by a worker with <c>--isolation process</c>) whose task
/// contract names that SHA-256 (a document's text hash, for instance) crashes the way a native fault would:
/// <c>failfast</c> (<see cref="Environment.FailFast(string)"/>), <c>stackoverflow</c> (unbounded recursion) or
/// <c>exit</c> (exit code 70 without a word). It cannot fire by accident: the variable must be set by name, and each
/// entry must name a mode and a full 64-digit hash; anything else is refused with an error.
/// </summary>
internal static class AgentFaultInjection
{
    public const string Variable = SettingNames.FaultInjectAgentCrash;

    /// <summary>True when the variable is set (the child then warns on every task that it is armed).</summary>
    public static bool IsArmed(DiscernusSettings settings) => settings.Values.Text(Variable) is not null;

    /// <summary>Crashes this process when an entry's hash appears in <paramref name="contractJson"/>; returns otherwise.</summary>
    public static void CrashIfTargeted(DiscernusSettings settings, string contractJson)
    {
        var value = settings.Values.Text(Variable);
        if (value is null)
        {
            return;
        }

        foreach (var entry in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var match = Entry().Match(entry);
            if (!match.Success)
            {
                throw new SettingException(Problem(value) ?? $"{Variable} is malformed");
            }

            if (contractJson.Contains(match.Groups["hash"].Value, StringComparison.Ordinal))
            {
                Crash(match.Groups["mode"].Value, match.Groups["hash"].Value);
            }
        }
    }

    /// <summary>What is wrong with a value of the variable, or null when every entry is well formed.</summary>
    public static string? Problem(string value) => AgentCrashInjectionFormat.Problem(value);

    private static void Crash(string mode, string hash)
    {
        switch (mode)
        {
            case "failfast":
                Environment.FailFast($"{Variable}: injected crash for the task naming {hash}");
                break;
            case "stackoverflow":
                Recurse(0);
                break;
            default:
                Environment.Exit(70);
                break;
        }
    }

    // Not a tail call (the addition follows it), so every level takes a frame until the stack is gone.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Recurse(int depth) => Recurse(depth + 1) + 1;

    private static System.Text.RegularExpressions.Regex Entry() => AgentCrashInjectionFormat.Entry();
}
