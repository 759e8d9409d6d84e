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

    /// <summary>What the run page shows of the manifest.</summary>
    public RunHead Head => RunHead.Of(Manifest);

    /// <summary>Reads the run; a result file that is missing or unreadable is left out (the run page lists failures from the manifest).</summary>
    public static RunData Load(ProjectPaths paths, string experimentFolder, string runFolder, TimeProvider time)
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

    /// <summary>The run page's statistics table, one row per dimension; null before the synthesis stage.</summary>
    public IReadOnlyList<StatisticsRow>? StatisticsRows(ProjectPaths paths) =>
        Statistics(paths) is not { } statistics
            ? null
            : [.. statistics.Dimensions.Select(d => new StatisticsRow(d.Name, d.Score.N, d.Score.Mean, d.Score.Sd, d.Score.CiLower, d.Score.CiUpper, d.Score.Median, d.MeanSalience, d.MeanConfidence,
                statistics.ValidityOf(d.Name), statistics.Validity?.Dimension(d.Name)?.Reason))];

    /// <summary>The chart of the scores' distributions (SVG), or null before the synthesis stage or without scores.</summary>
    public string? DistributionSvg(ProjectPaths paths) => Statistics(paths) is { } statistics ? Reports.ReportCharts.DistributionSvg(statistics) : null;

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

/// <summary>A failed analysis as the run page lists it.</summary>
public sealed record FailureRow(string Document, string? Model, string Reason);

/// <summary>
/// The head of a run as its page shows it: status, experiment, documents, models, the stage rows, what it cost and did,
/// its error and failures, and its dimensions and HTML report (relative to the run folder).
/// </summary>
public sealed record RunHead(
    string Status, string Experiment, int Documents, string Models, IReadOnlyList<string> Dimensions, IReadOnlyList<StageRow> Stages, string Cost,
    string? Error, IReadOnlyList<FailureRow> Failures, string? ReportHtml)
{
    public static RunHead Of(RunManifest m) => new(
        m.Status, m.Experiment.Name, m.Documents.Count,
        $"model(s) {string.Join(", ", m.Models?.Names ?? [])}, {m.Models?.RunsPerModel ?? 1} run(s) per model{(m.Models?.OfflineBaseline == true ? " (offline baseline)" : "")}",
        m.Framework?.Dimensions ?? [], RunRules.StageRows(m),
        $"{CostText.Recorded(m.Cost)} — {m.Cost.Work()}, {m.Cost.Retries} retries, {m.Cost.Failures} failed request(s); {m.Cost.PromptTokens} prompt and {m.Cost.CompletionTokens} completion tokens sent to providers.",
        m.Error, [.. m.Failures.Select(f => new FailureRow(f.DocumentName ?? f.TaskId, f.Model, f.Reason))], m.Outputs.ReportHtml);
}
