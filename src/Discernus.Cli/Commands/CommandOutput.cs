using System.CommandLine;
using System.Text.Json;
using Discernus.Provenance;

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

    public static void Json(CliContext context, object value) =>
        context.Out.WriteLine(JsonSerializer.Serialize(value, DiscernusJson.Indented));

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

    /// <summary>
    /// A run folder however it was typed (trailing slash, <c>./</c>, a symbolic link among its parents): the real,
    /// absolute path, or an error naming what is missing. Every command that takes a run folder uses this, so the same
    /// mistake always gives the same message and exit code (3).
    /// </summary>
    public static string? ResolveRunFolder(string path, out string? error)
    {
        var full = Discernus.Experiments.SafePaths.RealPath(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        if (!Directory.Exists(full))
        {
            error = $"run folder {full} does not exist; pass a run folder, e.g. projects/nano/runs/<run_id>.";
            return null;
        }

        if (!File.Exists(Path.Combine(full, RunFolder.ManifestFileName)))
        {
            error = $"{full} is not a run folder: it has no {RunFolder.ManifestFileName}. Pass a folder under projects/<experiment>/runs/.";
            return null;
        }

        error = null;
        return full;
    }
}
