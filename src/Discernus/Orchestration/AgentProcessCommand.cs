using System.Reflection;

namespace Discernus.Orchestration;

/// <summary>
/// How to start a child agent process: the executable and the arguments before <c>agent &lt;task_type&gt; &lt;task_id&gt;</c>.
/// It is the program this process runs, so the child is exactly the parent's version however it was started.
/// </summary>
internal sealed record AgentProcessCommand(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>
    /// The command that starts <paramref name="cli"/> (the discernus CLI assembly) the way this process was started:
    /// its app host (<c>discernus</c>, or an installed tool's shim) when that is what runs, otherwise the .NET host with
    /// the assembly (<c>dotnet discernus.dll</c>, as <c>./discernus</c> and the tests start it).
    /// </summary>
    public static AgentProcessCommand For(Assembly cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var process = Environment.ProcessPath;
        var name = cli.GetName().Name;
        if (process is not null && string.Equals(Path.GetFileNameWithoutExtension(process), name, StringComparison.OrdinalIgnoreCase))
        {
            return new AgentProcessCommand(process, []);
        }

        var host = process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? process
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath : "dotnet";
        return new AgentProcessCommand(host, [cli.Location]);
    }

    /// <summary>For messages: the command line without the per-task arguments.</summary>
    public override string ToString() => string.Join(' ', new[] { FileName }.Concat(Arguments));
}
