using System.CommandLine;
using Discernus.Experiments;
using Spectre.Console;

namespace Discernus.Cli.Commands;

internal static class ValidateCommand
{
    public static Command Create(CliContext context)
    {
        var path = new Argument<string>("experiment") { Description = "Path of the experiment folder" }.WithUsablePath();
        var format = new Option<string>("--format") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("validate", "Check an experiment (files, YAML, framework, corpus) without calling any model") { path, format };
        command.SetAction((parse, _) =>
        {
            var report = context.ReadExperiment(parse.GetValue(path)!);
            if (parse.GetValue(format) == "json")
            {
                CommandOutput.Json(context, ToJson(report));
            }
            else
            {
                FindingsPrinter.Print(context.Console, report);
            }

            return Task.FromResult(report.ExitCode);
        });
        return command;
    }

    private static object ToJson(ValidationReport report) => new
    {
        Experiment = report.ExperimentPath,
        Valid = report.IsValid,
        ExitCode = report.ExitCode,
        Blocking = report.Blocking.Count(),
        Warnings = report.Warnings.Count(),
        Name = report.Experiment?.Name,
        Layout = report.Experiment?.Layout.ToString().ToLowerInvariant(),
        Documents = report.Experiment?.Corpus.Documents.Count,
        Dimensions = report.Experiment?.Framework.Dimensions.Select(d => d.Name),
        Findings = report.Findings.Select(f => new
        {
            Severity = f.Severity == FindingSeverity.Blocking ? "blocking" : "warning",
            f.Code,
            f.File,
            f.Field,
            f.Line,
            f.Column,
            f.Message,
            f.Fix,
        }),
    };
}

internal static class FindingsPrinter
{
    public static void Print(IAnsiConsole console, ValidationReport report)
    {
        var blocking = report.Blocking.ToList();
        var warnings = report.Warnings.ToList();
        if (blocking.Count > 0)
        {
            console.MarkupLine($"[red bold]BLOCKING[/] ({blocking.Count})");
            foreach (var finding in blocking)
            {
                PrintOne(console, finding);
            }
        }

        if (warnings.Count > 0)
        {
            console.MarkupLine($"[yellow bold]WARNING[/] ({warnings.Count})");
            foreach (var finding in warnings)
            {
                PrintOne(console, finding);
            }
        }

        if (report.IsValid)
        {
            var e = report.Experiment!;
            console.MarkupLine($"[green]✓[/] {Markup.Escape(e.Name)} is valid ({e.Layout.ToString().ToLowerInvariant()} layout): framework '{Markup.Escape(e.Framework.Name)}' with {e.Framework.Dimensions.Count} dimension(s), {e.Corpus.Documents.Count} document(s), {warnings.Count} warning(s).");
        }
        else
        {
            console.MarkupLine($"[red]✗[/] {Markup.Escape(report.ExperimentPath)} is not valid: {blocking.Count} blocking problem(s). Nothing was run.");
        }
    }

    private static void PrintOne(IAnsiConsole console, ValidationFinding finding)
    {
        console.MarkupLine($"  {Markup.Escape(finding.Location)}: {Markup.Escape(finding.Message)}");
        console.MarkupLine($"    [dim]fix:[/] {Markup.Escape(finding.Fix)}");
    }
}
