using System.CommandLine;

namespace Discernus.Cli.Commands;

internal static class IsolationOption
{
    public const string Process = "process";

    /// <summary>`--isolation none|process` (process: each task in a child process, this very program's `agent` command); anything else is a usage error (exit 2) saying so.</summary>
    public static Option<string> Create() => new("--isolation")
    {
        Description = "Where agents run: none (in this process, the default) or process (each task in a child process, so a crashing agent cannot take the worker down; DISCERNUS_AGENT_TIMEOUT_SECONDS limits each, default 1800)",
        DefaultValueFactory = _ => "none",
        CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
            if (token is not ("none" or Process))
            {
                result.AddError($"--isolation must be none or process, not '{token}'");
            }

            return token ?? "none";
        },
    };
}
