using Discernus.Application;
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

    /// <summary>Prints how the run ended (as text, or as the JSON summary) and returns the exit code its status gives.</summary>
    public static int Print(CliContext context, RunEnd end, TimeSpan elapsed)
    {
        var exitCode = end.Kind switch
        {
            RunEndKind.Completed => ExitCodes.Success,
            RunEndKind.CompletedWithFailures => ExitCodes.CompletedWithFailures,
            RunEndKind.Cancelled => ExitCodes.Cancelled,
            _ => ExitCodes.RunFailed,
        };
        if (context.JsonSummary is { } json)
        {
            context.MarkSummaryWritten();
            json.WriteLine(end.SetUp ? end.ToJson(exitCode, elapsed)
                : CommandOutput.JsonText(new { Error = new { ExitCode = exitCode, Kind = ExitCodes.Kind(exitCode), Message = end.NotSetUp } }));
            return exitCode;
        }

        if (!end.SetUp)
        {
            context.Error.WriteLine($"error: {end.NotSetUp}");
            return exitCode;
        }

        PrintText(context, end, elapsed);
        return exitCode;
    }

    private static void PrintText(CliContext context, RunEnd end, TimeSpan elapsed)
    {
        var console = context.Console;
        var table = new Table().AddColumns("stage", "status", "tasks", "seconds");
        foreach (var row in end.Stages)
        {
            table.AddRow(row.Title, Markup.Escape(row.Status), row.TasksWithFailures, row.Seconds);
        }

        CliTables.Write(console, table);
        if (end.Pretest is { } pretest)
        {
            PrintPretest(console, pretest);
        }

        console.MarkupLine($"Run {Markup.Escape(end.RunId)}: [bold]{Markup.Escape(end.Status)}[/] in {elapsed.TotalSeconds:F1} s; {Markup.Escape(end.Cost)}.");
        foreach (var (name, reason) in end.Failures)
        {
            console.MarkupLine($"  [red]failed[/] {Markup.Escape(name)}: {Markup.Escape(reason)}");
        }

        if (end.Error is { } error)
        {
            console.MarkupLine($"[red]Error:[/] {Markup.Escape(error)}");
        }

        // Paths go out as plain lines so a terminal never wraps them: they must stay copy-pastable.
        context.Out.WriteLine($"Run folder: {end.RunFolder}");
        if (end.Report is { } report)
        {
            context.Out.WriteLine($"Report: {report}");
        }

        if (end.ReportHtml is { } html)
        {
            context.Out.WriteLine($"HTML report: {html}");
        }

        if (end.Resumable)
        {
            context.Out.WriteLine($"Resume: discernus run --resume {end.RunFolder}");
        }
    }

    /// <summary>The pre-test's findings: the spread per dimension, quotes, failures, cost, verdict.</summary>
    private static void PrintPretest(IAnsiConsole console, PretestView pretest)
    {
        if (pretest.Unreadable is { } unreadable)
        {
            console.MarkupLine($"[yellow]{Markup.Escape(unreadable)}[/]");
            return;
        }

        var table = new Table().Title(pretest.Title);
        table.AddColumns([.. pretest.SeveralModels ? new[] { "model" } : [], "dimension", "scored", "mean", "sd", "range", "discriminates"]);
        foreach (var d in pretest.Rows)
        {
            string[] cells = [d.Dimension, d.Scored, d.Mean, d.Sd, d.Range];
            table.AddRow([.. pretest.SeveralModels ? new[] { Markup.Escape(d.Model) } : [], .. cells.Select(Markup.Escape), d.Discriminates ? "yes" : "[red]no[/]"]);
        }

        CliTables.Write(console, table);
        console.MarkupLine(Markup.Escape(pretest.Summary));
        foreach (var note in pretest.Notes)
        {
            console.MarkupLine($"  [yellow]note:[/] {Markup.Escape(note)}");
        }

        console.MarkupLine(pretest.StopReasons == 0
            ? "  [green]Pre-test passed[/]: the full run took the sample's answers."
            : $"  [red]Pre-test stopped the run[/] ({pretest.StopReasons} reason(s)); details in {Markup.Escape(pretest.Details)}.");
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
