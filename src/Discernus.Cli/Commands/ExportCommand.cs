using System.CommandLine;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Content;
using Discernus.Provenance;

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
        to.Validators.Add(result =>
        {
            foreach (var value in Split(result.GetValueOrDefault<string[]>() ?? []).Where(v => !FileFormats.Contains(v)))
            {
                result.AddError($"--to must be csv, parquet or json, not '{value}' (several are allowed: --to csv --to parquet).");
            }
        });
        var output = new Option<string?>("--output", "-o") { Description = "Folder to write to (default: the run's own results/exports/)" };
        var format = new Option<string>("--format") { Description = "Output format of the command: text or json (the files' formats are --to)", DefaultValueFactory = _ => "text" };
        format.Validators.Add(result =>
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
        });
        var command = new Command("export", "Write a run's scores, derived metrics and evidence as CSV, Parquet or JSON files") { folder, to, output, format };
        command.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(format) == "json";
            var kinds = Split(parse.GetValue(to) ?? []).Distinct(StringComparer.Ordinal).ToList();
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

            var intoRun = parse.GetValue(output) is null;
            if (intoRun && !RunStatus.IsFinal(manifest.Status))
            {
                return CommandOutput.Error(context, json, ExitCodes.Usage,
                    $"run {manifest.RunId} is {manifest.Status}: its results/exports/ is still being written. Export when it has ended, or pass -o DIR.");
            }

            // One result at a time, as the synthesis builds them: a run of any size is exported in bounded memory.
            using var exports = new RunExports(framework.Dimensions, framework.DerivedMetrics);
            var records = new AnalysisRecordFactory();
            foreach (var hash in manifest.Outputs.AnalysisResults)
            {
                var file = RunFolder.Full(path, RunFolder.AnalysisResultFile(hash));
                if (!File.Exists(file))
                {
                    return CommandOutput.Error(context, json, ExitCodes.FileMissing, $"{file} is missing; `discernus verify {path}` lists what else is.");
                }

                var bytes = await File.ReadAllBytesAsync(file, ct);
                if (Hashing.Sha256Hex(bytes) != hash)
                {
                    return CommandOutput.Error(context, json, ExitCodes.Invalid, $"{file} no longer matches its hash: the run folder was changed. `discernus verify {path}` shows what differs.");
                }

                var result = JsonSerializer.Deserialize<AnalysisResult>(bytes, DiscernusJson.Indented)
                    ?? throw new InvalidDataException($"{file} holds no analysis result");
                exports.Add(result, records.Create(result));
            }

            var statistics = RunFolder.Full(path, RunFolder.StatisticsFile);
            List<Written> written;
            string target;
            if (intoRun)
            {
                target = RunFolder.Full(path, RunFolder.ExportsFolder);
                written = await IntoRunAsync(path, exports, kinds, ct);
            }
            else
            {
                target = Path.GetFullPath(parse.GetValue(output)!);
                written = (await exports.WriteAsync(target, kinds, ct)).Select(f => new Written(f.Path, f.Rows, "written")).ToList();
                if (File.Exists(statistics))
                {
                    File.Copy(statistics, Path.Combine(target, "statistics.json"), overwrite: true);
                    written.Add(new Written(Path.Combine(target, "statistics.json"), null, "written"));
                }
            }

            if (json)
            {
                CommandOutput.Json(context, new { manifest.RunId, Formats = kinds, Folder = target, Files = written.Select(w => new { w.File, w.Rows, w.Status }) });
            }
            else
            {
                context.Out.WriteLine($"Exported run {manifest.RunId} ({exports.Count} analyses) as {string.Join(", ", kinds)} to {target}:");
                foreach (var w in written)
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

            return ExitCodes.Success;
        });
        return command;
    }

    /// <param name="Status">written, unchanged (the run's own file, identical) or kept (the run's own file, different).</param>
    private sealed record Written(string File, int? Rows, string Status);

    private static IEnumerable<string> Split(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(v => v.ToLowerInvariant());

    /// <summary>
    /// Writes into the run's results/exports/: new files are added to the manifest (role <c>export</c>); a file the
    /// manifest already lists is left as it is, since verify compares it with its hash.
    /// </summary>
    private static async Task<List<Written>> IntoRunAsync(string path, RunExports exports, IReadOnlyList<string> kinds, CancellationToken ct)
    {
        var run = RunFolder.Open(path);
        var listed = new Dictionary<string, string>(StringComparer.Ordinal);
        run.ReadFiles(f => listed[f.Path] = f.Sha256);
        var staging = Path.Combine(Path.GetTempPath(), $"discernus-export-{run.RunId}-{Guid.NewGuid():N}");
        var written = new List<Written>();
        var added = new List<ManifestFile>();
        try
        {
            foreach (var file in await exports.WriteAsync(staging, kinds, ct))
            {
                var relative = RunFolder.ExportFile(file.Name);
                var destination = RunFolder.Full(path, relative);
                var hash = await Hashing.Sha256FileAsync(file.Path, ct);
                if (listed.TryGetValue(relative, out var recorded))
                {
                    written.Add(new Written(destination, file.Rows, recorded == hash ? "unchanged" : "kept"));
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Move(file.Path, destination, overwrite: true);
                added.Add(new ManifestFile(relative, hash, "export"));
                written.Add(new Written(destination, file.Rows, "written"));
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        if (added.Count > 0)
        {
            await run.UpdateManifestAsync(
                m => m with { Outputs = m.Outputs with { Exports = [.. m.Outputs.Exports, .. added.Select(a => a.Path).Where(p => !m.Outputs.Exports.Contains(p))] } },
                new ManifestFileChanges(added),
                ct);
        }

        return written;
    }
}
