using System.CommandLine;
using Discernus.Application;
using Discernus.Experiments;
using Spectre.Console;

namespace Discernus.Cli.Commands;

internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var directory = new Argument<string>("projects-dir") { Description = "Folder holding experiment folders", DefaultValueFactory = _ => "projects" }.WithUsablePath();
        var format = CommandOutput.FormatOption();
        var command = new Command("list", "List the experiments in a folder with their validity, documents and runs") { directory, format };
        command.SetAction((parse, _) =>
        {
            var json = parse.GetValue(format) == "json";
            var root = Path.GetFullPath(parse.GetValue(directory)!);
            if (!Directory.Exists(root))
            {
                return Task.FromResult(CommandOutput.Error(context, json, ExitCodes.FileMissing,
                    $"{root} does not exist. Pass the folder that holds your experiment folders, e.g. `discernus list projects`."));
            }

            return Task.FromResult(List(context, root, json));
        });
        return command;
    }

    private static int List(CliContext context, string root, bool json)
    {
        var entries = new List<object>();

        // The folder and the run id are what a reader types next: they never wrap; the other columns do when the table
        // has to fit 100 columns.
        var table = new Table().AddColumn(new TableColumn("experiment").NoWrap()).AddColumns("valid", "name", "framework", "documents", "runs")
            .AddColumn(new TableColumn("latest run").NoWrap());
        var found = 0;
        foreach (var folder in ExperimentService.ExperimentFolders(root))
        {
            found++;
            var report = context.ReadExperiment(folder);
            var (runs, latest) = ExperimentService.RunsOf(folder, TimeProvider.System);
            entries.Add(Entry(folder, report, runs, latest));
            table.AddRow(
                Markup.Escape(Path.GetFileName(folder)),
                report.IsValid ? "[green]valid[/]" : $"[red]invalid ({report.Blocking.Count()})[/]",
                Markup.Escape(report.Experiment?.Name ?? "-"),
                Markup.Escape(report.Experiment?.Framework.Name ?? "-"),
                report.Experiment?.Corpus.Documents.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                runs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(latest));
        }

        if (json)
        {
            CommandOutput.Json(context, new { Root = root, Experiments = entries });
            return ExitCodes.Success;
        }

        if (found == 0)
        {
            context.Console.WriteLine($"No experiment folders (with experiment.md or experiment.yaml) in {root}.");
            return ExitCodes.Success;
        }

        CliTables.Write(context.Console, table);
        return ExitCodes.Success;
    }

    private static object Entry(string folder, ValidationReport report, int runs, string latest) => new
    {
        Folder = Path.GetFileName(folder),
        Path = folder,
        Valid = report.IsValid,
        Blocking = report.Blocking.Count(),
        Warnings = report.Warnings.Count(),
        Name = report.Experiment?.Name,
        Framework = report.Experiment?.Framework.Name,
        Documents = report.Experiment?.Corpus.Documents.Count,
        Runs = runs,
        LatestRun = runs == 0 ? null : latest,
    };
}
