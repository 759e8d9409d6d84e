using System.CommandLine;
using Discernus.Application;

namespace Discernus.Cli.Commands;

/// <summary>
/// `discernus export &lt;run-folder&gt; [--to csv|parquet|json]... [-o DIR] [--format text|json]`: the run's scores,
/// derived-metric and evidence tables (and statistics.json) rebuilt from its analysis results, each checked against its
/// hash first. <c>--to</c> chooses the files' formats, <c>--format</c> what the command prints, as in every other
/// command. Without <c>-o</c> the files go into the run's own results/exports/ and into its manifest, so
/// <c>verify</c> still holds; a file the manifest already hashes is never replaced.
/// </summary>
internal static class ExportCommand
{
    private static readonly string[] FileFormats = ["csv", "parquet", "json"];

    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("run-folder") { Description = "Path of a run folder (projects/<experiment>/runs/<run_id>)" };
        var to = new Option<string[]>("--to")
        {
            Description = "File formats: csv, parquet, json; several allowed (--to csv --to parquet, or --to csv,parquet)",
            DefaultValueFactory = _ => ["csv"],
            AllowMultipleArgumentsPerToken = true,
        };
        to.Validators.Add(ValidateFileFormats);
        var output = new Option<string?>("--output", "-o") { Description = "Folder to write to (default: the run's own results/exports/)" };
        var format = new Option<string>("--format") { Description = "Output format of the command: text or json (the files' formats are --to)", DefaultValueFactory = _ => "text" };
        format.Validators.Add(ValidateOutputFormat);
        var command = new Command("export", "Write a run's scores, derived metrics and evidence as CSV, Parquet or JSON files") { folder, to, output, format };
        command.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(format) == "json";
            var kinds = Split(parse.GetValue(to) ?? []).Distinct(StringComparer.Ordinal).ToList();
            if (RunRules.ResolveRunFolder(parse.GetValue(folder)!, out var problem) is not { } path)
            {
                return CommandOutput.Error(context, json, ExitCodes.FileMissing, problem!);
            }

            var export = await RunExportService.ExportAsync(path, kinds, parse.GetValue(output), ct);
            if (export.Problem is { } failure)
            {
                return CommandOutput.Error(context, json, export.Refusal switch
                {
                    ExportRefusal.NotEnded => ExitCodes.Usage,
                    ExportRefusal.Changed => ExitCodes.Invalid,
                    _ => ExitCodes.FileMissing,
                }, failure);
            }

            if (json)
            {
                CommandOutput.Json(context, new { export.RunId, Formats = kinds, export.Folder, Files = export.Files.Select(w => new { w.File, w.Rows, w.Status }) });
            }
            else
            {
                PrintText(context, export, kinds);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static IEnumerable<string> Split(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(v => v.ToLowerInvariant());

    private static void PrintText(CliContext context, ExportOutcome export, IReadOnlyList<string> kinds)
    {
        context.Out.WriteLine($"Exported run {export.RunId} ({export.Analyses} analyses) as {string.Join(", ", kinds)} to {export.Folder}:");
        foreach (var w in export.Files)
        {
            var rows = w.Rows is { } n ? $" ({n} rows)" : "";
            var note = w.Status switch
            {
                "unchanged" => ", already there",
                "kept" => ", kept as the run wrote it (its manifest hashes it; a fresh export differs: pass -o DIR for one)",
                _ => "",
            };
            context.Out.WriteLine($"  {w.File}{rows}{note}");
        }
    }

    private static void ValidateFileFormats(System.CommandLine.Parsing.OptionResult result)
    {
        foreach (var value in Split(result.GetValueOrDefault<string[]>() ?? []).Where(v => !FileFormats.Contains(v)))
        {
            result.AddError($"--to must be csv, parquet or json, not '{value}' (several are allowed: --to csv --to parquet).");
        }
    }

    private static void ValidateOutputFormat(System.CommandLine.Parsing.OptionResult result)
    {
        var value = result.GetValueOrDefault<string>();
        if (value is "csv" or "parquet")
        {
            result.AddError($"--format chooses what the command prints (text or json); write the files as {value} with --to {value}.");
        }
        else if (value is not ("text" or "json"))
        {
            result.AddError($"--format must be text or json, not '{value}'.");
        }
    }
}
