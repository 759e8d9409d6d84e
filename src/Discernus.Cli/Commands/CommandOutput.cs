using System.CommandLine;
using Discernus.Application;

namespace Discernus.Cli.Commands;

/// <summary>
/// What commands that print results share: the <c>--format text|json</c> option, JSON written to standard output, and
/// errors that in JSON mode are JSON too (<c>{"error": {"exit_code", "kind", "message"}}</c>), so a script never has to
/// parse prose.
/// </summary>
internal static class CommandOutput
{
    public static Option<string> FormatOption()
    {
        var format = new Option<string>("--format") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        return format;
    }

    public static void Json(CliContext context, object value) => context.Out.WriteLine(JsonText(value));

    /// <summary>A value in the JSON convention of every Discernus file and contract (snake_case, indented).</summary>
    public static string JsonText(object value) => JsonOutput.Text(value);

    /// <summary>Reports an error the way the format asks and returns <paramref name="exitCode"/>.</summary>
    public static int Error(CliContext context, bool json, int exitCode, string message)
    {
        if (json)
        {
            Json(context, new { Error = new { ExitCode = exitCode, Kind = ExitCodes.Kind(exitCode), Message = message } });
        }
        else
        {
            context.Error.WriteLine($"error: {message}");
        }

        return exitCode;
    }
}
