using System.Text.Json;
using Discernus.Agents;
using Discernus.Provenance;
using Discernus.Statistics;

namespace Discernus.Application;

/// <summary>What one run folder holds, read for a page: its manifest and the per-document results it lists.</summary>
public sealed record RunData
{
    public required string Folder { get; init; }

    public required string ExperimentFolder { get; init; }

    public required RunManifest Manifest { get; init; }

    /// <summary>The run's per-document results (document × model × run), in the manifest's order.</summary>
    public required IReadOnlyList<AnalysisResult> Results { get; init; }

    /// <summary>What the status command would say (e.g. "running (process 123)", "running, interrupted: ...").</summary>
    public required string Liveness { get; init; }

    public string RunId => Manifest.RunId;

    public bool IsFinal => RunStatus.IsFinal(Manifest.Status);

    /// <summary>Reads the run; a result file that is missing or unreadable is left out (the run page lists failures from the manifest).</summary>
    internal static RunData Load(ProjectPaths paths, string experimentFolder, string runFolder, TimeProvider time)
    {
        var manifestPath = Path.Combine(runFolder, RunFolder.ManifestFileName);
        var manifest = RunFolder.ReadManifest(manifestPath);
        var results = new List<AnalysisResult>();
        foreach (var hash in manifest.Outputs.AnalysisResults)
        {
            if (paths.FileInside(runFolder, RunFolder.AnalysisResultFile(hash)) is not { } file)
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize<AnalysisResult>(File.ReadAllBytes(file), DiscernusJson.Indented) is { } result)
                {
                    results.Add(result);
                }
            }
            catch (JsonException)
            {
                // `discernus verify` reports a damaged result file; a page shows what can be read.
            }
        }

        return new RunData
        {
            Folder = runFolder,
            ExperimentFolder = experimentFolder,
            Manifest = manifest,
            Results = results,
            Liveness = RunLiveness.Describe(manifestPath, manifest, time),
        };
    }

    /// <summary>The run's statistics (results/synthesis/statistics.json), or null before the synthesis stage.</summary>
    internal CorpusStatistics? Statistics(ProjectPaths paths)
    {
        var relative = Manifest.Outputs.Statistics ?? RunFolder.StatisticsFile;
        if (paths.FileInside(Folder, relative) is not { } file)
        {
            return null;
        }

        try
        {
            return CorpusStatistics.FromJson(File.ReadAllText(file));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
