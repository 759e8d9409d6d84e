using System.Text.Json;
using Discernus.Coordination;
using Discernus.Provenance;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>`discernus run --format json`: the run's outcome as one JSON object on standard output, errors included.</summary>
internal static class RunSummary
{
    /// <summary>
    /// The context `run --format json` works in: progress, tables and plain messages go to standard error, the JSON
    /// summary (or error) to standard output, and error lines are kept so a failure before the run can be reported as JSON.
    /// </summary>
    public static (CliContext Context, StringWriter Errors) ForJson(CliContext context)
    {
        var errors = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(context.Error),
        });
        console.Profile.Width = 240;
        var json = new CliContext
        {
            Console = console,
            Out = context.Error,
            Error = new TeeWriter(context.Error, errors),
            Environment = context.Environment,
            TimeProvider = context.TimeProvider,
            Interactive = false,
            JsonSummary = context.Out,
        };
        return (json, errors);
    }

    public static int WriteJson(CliContext context, string runFolder, RunState? state, TimeSpan elapsed)
    {
        var output = context.JsonSummary ?? context.Out;
        context.MarkSummaryWritten();
        var manifestPath = Path.Combine(runFolder, RunFolder.ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            var message = $"the run did not get past validation: {state?.Error ?? "no reason recorded"}";
            output.WriteLine(JsonSerializer.Serialize(new { Error = new { ExitCode = ExitCodes.RunFailed, Kind = ExitCodes.Kind(ExitCodes.RunFailed), Message = message } }, DiscernusJson.Indented));
            return ExitCodes.RunFailed;
        }

        var manifest = RunFolder.ReadManifestHead(manifestPath);
        var exitCode = manifest.Status switch
        {
            RunStatus.Completed => ExitCodes.Success,
            RunStatus.CompletedWithFailures => ExitCodes.CompletedWithFailures,
            RunStatus.Cancelled => ExitCodes.Cancelled,
            _ => ExitCodes.RunFailed,
        };
        string? Full(string? relative) => relative is null ? null : Path.Combine(runFolder, relative);
        output.WriteLine(JsonSerializer.Serialize(new
        {
            manifest.RunId,
            manifest.Status,
            ExitCode = exitCode,
            Experiment = manifest.Experiment.Name,
            RunFolder = runFolder,
            ElapsedSeconds = Math.Round(elapsed.TotalSeconds, 1),
            Models = manifest.Models?.Names,
            RunsPerModel = manifest.Models?.RunsPerModel,
            Stages = manifest.Stages.Select(s => new { s.Name, s.Status, s.TasksTotal, s.TasksSucceeded, s.TasksFailed, s.DurationMs }),
            manifest.Cost,
            manifest.Failures,
            manifest.Error,
            Pretest = Full(manifest.Outputs.Pretest),
            Report = Full(manifest.Outputs.ReportMarkdown),
            ReportHtml = Full(manifest.Outputs.ReportHtml),
            Statistics = Full(manifest.Outputs.Statistics),
            Exports = manifest.Outputs.Exports.Select(e => Path.Combine(runFolder, e)),
        }, DiscernusJson.Indented));
        return exitCode;
    }

    /// <summary>Writes to two writers: the terminal sees every error line as before, and the JSON error can quote it.</summary>
    private sealed class TeeWriter(TextWriter first, TextWriter second) : TextWriter
    {
        public override System.Text.Encoding Encoding => first.Encoding;

        public override void Write(char value)
        {
            first.Write(value);
            second.Write(value);
        }

        public override void Write(string? value)
        {
            first.Write(value);
            second.Write(value);
        }

        public override void WriteLine(string? value)
        {
            first.WriteLine(value);
            second.WriteLine(value);
        }
    }
}
