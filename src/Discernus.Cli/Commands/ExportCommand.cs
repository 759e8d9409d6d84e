using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Provenance;

namespace Discernus.Cli.Commands;

/// <summary>
/// `discernus export &lt;run-folder&gt; --format csv|parquet|json [-o DIR]`: the run's scores, derived-metric and evidence
/// tables (and statistics.json) rebuilt from its analysis results, each checked against its hash first.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("run-folder") { Description = "Path of a run folder (projects/<experiment>/runs/<run_id>)" };
        var format = new Option<string>("--format") { Description = "csv, parquet or json", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "parquet", "json");
        var output = new Option<string?>("--output", "-o") { Description = "Folder to write to (default: exports/<run_id> in the current folder)" };
        var command = new Command("export", "Write a run's scores, derived metrics and evidence as CSV, Parquet or JSON") { folder, format, output };
        command.SetAction(async (parse, ct) =>
        {
            var kind = parse.GetValue(format)!;
            var json = kind == "json";
            if (CommandOutput.ResolveRunFolder(parse.GetValue(folder)!, out var problem) is not { } path)
            {
                return CommandOutput.Error(context, json, ExitCodes.FileMissing, problem!);
            }

            var manifest = RunFolder.ReadManifest(Path.Combine(path, RunFolder.ManifestFileName));
            if (manifest.Framework is not { } framework || manifest.Outputs.AnalysisResults.Count == 0)
            {
                return CommandOutput.Error(context, json, ExitCodes.FileMissing,
                    $"run {manifest.RunId} has no analysis results to export (status: {manifest.Status}).");
            }

            // One result at a time, as the synthesis builds them: a run of any size is exported in bounded memory.
            using var exports = new RunExports(framework.Dimensions, framework.DerivedMetrics);
            var records = new AnalysisRecordFactory();
            foreach (var hash in manifest.Outputs.AnalysisResults)
            {
                var file = Path.Combine(path, "results", "batch_analysis", $"{hash}.json");
                if (!File.Exists(file))
                {
                    return CommandOutput.Error(context, json, ExitCodes.FileMissing, $"{file} is missing; `discernus verify {path}` lists what else is.");
                }

                var bytes = await File.ReadAllBytesAsync(file, ct);
                if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != hash)
                {
                    return CommandOutput.Error(context, json, ExitCodes.Invalid, $"{file} no longer matches its hash: the run folder was changed. `discernus verify {path}` shows what differs.");
                }

                var result = JsonSerializer.Deserialize<AnalysisResult>(bytes, DiscernusJson.Indented)
                    ?? throw new InvalidDataException($"{file} holds no analysis result");
                exports.Add(result, records.Create(result));
            }

            var target = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine("exports", manifest.RunId));
            var written = (await exports.WriteAsync(target, [kind], ct)).Select(f => (File: f.Path, Rows: (int?)f.Rows)).ToList();
            var statistics = Path.Combine(path, "results", "synthesis", "statistics.json");
            if (File.Exists(statistics))
            {
                File.Copy(statistics, Path.Combine(target, "statistics.json"), overwrite: true);
                written.Add((Path.Combine(target, "statistics.json"), null));
            }

            if (json)
            {
                CommandOutput.Json(context, new { manifest.RunId, Format = kind, Folder = target, Files = written.Select(w => new { w.File, w.Rows }) });
            }
            else
            {
                context.Out.WriteLine($"Exported run {manifest.RunId} ({exports.Count} analyses) as {kind} to {target}:");
                foreach (var (file, rows) in written)
                {
                    context.Out.WriteLine(rows is { } n ? $"  {file} ({n} rows)" : $"  {file}");
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
