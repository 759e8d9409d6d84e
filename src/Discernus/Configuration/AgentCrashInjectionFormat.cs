using System.Text.RegularExpressions;

namespace Discernus.Configuration;

/// <summary>
/// The form of <see cref="SettingNames.FaultInjectAgentCrash"/> values, here rather than beside the crashing code so
/// the settings check and the agent process refuse exactly the same values without Configuration depending on
/// Orchestration.
/// </summary>
internal static partial class AgentCrashInjectionFormat
{
    /// <summary>What is wrong with a value of the variable, or null when every entry is well formed (the settings check uses it).</summary>
    public static string? Problem(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } entries && entries.All(e => Entry().IsMatch(e))
            ? null
            : $"{SettingNames.FaultInjectAgentCrash}='{value}' is not a list of <mode>:<sha256> (modes failfast, stackoverflow, exit; a 64-digit lowercase hash). It is a testing aid: unset it.";

    /// <summary>One entry: <c>mode:hash</c>, with the groups <c>mode</c> and <c>hash</c>.</summary>
    [GeneratedRegex("^(?<mode>failfast|stackoverflow|exit):(?<hash>[0-9a-f]{64})$")]
    public static partial Regex Entry();
}
