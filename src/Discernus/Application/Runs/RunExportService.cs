using System.Text.Json;
using Discernus.Content;
using Discernus.Agents;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>Why a run's results cannot be exported; <see cref="None"/> when they were.</summary>
public enum ExportRefusal
{
    None,
    Missing,
    NotEnded,
    Changed,
}

/// <param name="Status">written, unchanged (the run's own file, identical) or kept (the run's own file, different).</param>
public sealed record ExportedFile(string File, int? Rows, string Status);

/// <summary>What an export wrote, or why it wrote nothing.</summary>
public sealed record ExportOutcome(string RunId, ExportRefusal Refusal, string? Problem, string? Folder, int Analyses, IReadOnlyList<ExportedFile> Files)
{
    public static ExportOutcome Refused(string runId, ExportRefusal refusal, string problem) => new(runId, refusal, problem, null, 0, []);
}

/// <summary>
/// A run's scores, derived-metric and evidence tables (and statistics.json) rebuilt from its analysis results, each
/// checked against its hash first: into the run's own results/exports/ (and its manifest, so verify still holds) or
/// into another folder.
/// </summary>
public static class RunExportService
{
    public static async Task<ExportOutcome> ExportAsync(string path, IReadOnlyList<string> kinds, string? output, CancellationToken ct)
    {
        var manifest = RunFolder.ReadManifest(Path.Combine(path, RunFolder.ManifestFileName));
        if (manifest.Framework is not { } framework || manifest.Outputs.AnalysisResults.Count == 0)
        {
            return ExportOutcome.Refused(manifest.RunId, ExportRefusal.Missing, $"run {manifest.RunId} has no analysis results to export (status: {manifest.Status}).");
        }

        var intoRun = output is null;
        if (intoRun && !RunStatus.IsFinal(manifest.Status))
        {
            return ExportOutcome.Refused(manifest.RunId, ExportRefusal.NotEnded, $"run {manifest.RunId} is {manifest.Status}: its results/exports/ is still being written. Export when it has ended, or pass -o DIR.");
        }

        // One result at a time, as the synthesis builds them: a run of any size is exported in bounded memory.
        using var exports = new RunExports(framework.Dimensions, framework.DerivedMetrics);
        var records = new AnalysisRecordFactory();
        foreach (var hash in manifest.Outputs.AnalysisResults)
        {
            var file = RunFolder.Full(path, RunFolder.AnalysisResultFile(hash));
            if (!File.Exists(file))
            {
                return ExportOutcome.Refused(manifest.RunId, ExportRefusal.Missing, $"{file} is missing; `discernus verify {path}` lists what else is.");
            }

            var bytes = await File.ReadAllBytesAsync(file, ct);
            if (Hashing.Sha256Hex(bytes) != hash)
            {
                return ExportOutcome.Refused(manifest.RunId, ExportRefusal.Changed, $"{file} no longer matches its hash: the run folder was changed. `discernus verify {path}` shows what differs.");
            }

            var result = JsonSerializer.Deserialize<AnalysisResult>(bytes, DiscernusJson.Indented)
                ?? throw new InvalidDataException($"{file} holds no analysis result");
            exports.Add(result, records.Create(result));
        }

        var statistics = RunFolder.Full(path, RunFolder.StatisticsFile);
        List<ExportedFile> written;
        string target;
        if (intoRun)
        {
            target = RunFolder.Full(path, RunFolder.ExportsFolder);
            written = await IntoRunAsync(path, exports, kinds, ct);
        }
        else
        {
            target = Path.GetFullPath(output!);
            written = (await exports.WriteAsync(target, kinds, ct)).Select(f => new ExportedFile(f.Path, f.Rows, "written")).ToList();
            if (File.Exists(statistics))
            {
                File.Copy(statistics, Path.Combine(target, "statistics.json"), overwrite: true);
                written.Add(new ExportedFile(Path.Combine(target, "statistics.json"), null, "written"));
            }
        }

        return new ExportOutcome(manifest.RunId, ExportRefusal.None, null, target, exports.Count, written);
    }

    /// <summary>
    /// Writes into the run's results/exports/: new files are added to the manifest (role <c>export</c>); a file the
    /// manifest already lists is left as it is, since verify compares it with its hash.
    /// </summary>
    private static async Task<List<ExportedFile>> IntoRunAsync(string path, RunExports exports, IReadOnlyList<string> kinds, CancellationToken ct)
    {
        var run = RunFolder.Open(path);
        var listed = new Dictionary<string, string>(StringComparer.Ordinal);
        run.ReadFiles(f => listed[f.Path] = f.Sha256);
        var staging = Path.Combine(Path.GetTempPath(), $"discernus-export-{run.RunId}-{Guid.NewGuid():N}");
        var written = new List<ExportedFile>();
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
                    written.Add(new ExportedFile(destination, file.Rows, recorded == hash ? "unchanged" : "kept"));
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Move(file.Path, destination, overwrite: true);
                added.Add(new ManifestFile(relative, hash, "export"));
                written.Add(new ExportedFile(destination, file.Rows, "written"));
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
