using System.CommandLine;
using Discernus.Orchestration;

namespace Discernus.Cli.Commands;

internal static class IsolationOption
{
    /// <summary>`--isolation none|process`: where agents run; anything else is a usage error (exit 2) saying so.</summary>
    public static Option<AgentIsolationMode> Create() => new("--isolation")
    {
        Description = "Where agents run: none (in this process, the default) or process (each task in a child process, so a crashing agent cannot take the worker down; DISCERNUS_AGENT_TIMEOUT_SECONDS limits each, default 1800)",
        DefaultValueFactory = _ => AgentIsolationMode.None,
        CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
            switch (token)
            {
                case "none":
                    return AgentIsolationMode.None;
                case "process":
                    return AgentIsolationMode.Process;
                default:
                    result.AddError($"--isolation must be none or process, not '{token}'");
                    return AgentIsolationMode.None;
            }
        },
    };

    /// <summary>The Router's options with the chosen isolation; a child process is this very program (see <see cref="AgentCommand"/>).</summary>
    public static RouterOptions Apply(RouterOptions router, AgentIsolationMode mode, IReadOnlyDictionary<string, string?> environment) =>
        mode == AgentIsolationMode.Process
            ? router with { Isolation = AgentIsolationOptions.Process(AgentProcessCommand.For(typeof(AgentCommand).Assembly), environment) }
            : router;
}
