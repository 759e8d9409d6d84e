using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>Experiments as `validate`, `list` and the browser see them: validated, and the folders of a projects folder with their runs.</summary>
public static class ExperimentService
{
    /// <summary>
    /// The VALIDATION stage as every front end runs it (reader checks plus formulas and model names) within the limits
    /// the settings give; <paramref name="readDocuments"/> false leaves the documents' content to the run's one read.
    /// </summary>
    public static ValidationReport Validate(string path, WorkspaceOptions options, bool readDocuments = true, CancellationToken cancellationToken = default) =>
        ExperimentValidator.Validate(path, options.Settings.Limits, cancellationToken, readDocuments);

    /// <summary>A folder is an experiment when it holds experiment.md or experiment.yaml (or .yml).</summary>
    public static bool IsExperimentFolder(string folder) =>
        File.Exists(Path.Combine(folder, "experiment.md")) || File.Exists(Path.Combine(folder, "experiment.yaml")) || File.Exists(Path.Combine(folder, "experiment.yml"));

    /// <summary>The experiment folders directly under <paramref name="root"/>, in name order.</summary>
    public static IEnumerable<string> ExperimentFolders(string root) =>
        Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal).Where(IsExperimentFolder);

    /// <summary>How many runs the experiment has, and its latest as "run-id liveness" ("-" when none).</summary>
    public static (int Count, string Latest) RunsOf(string experimentFolder, TimeProvider time)
    {
        var runsDirectory = Path.Combine(experimentFolder, "runs");
        if (!Directory.Exists(runsDirectory))
        {
            return (0, "-");
        }

        var runs = Directory.EnumerateDirectories(runsDirectory).Where(d => File.Exists(Path.Combine(d, RunFolder.ManifestFileName))).Order(StringComparer.Ordinal).ToList();
        if (runs.Count == 0)
        {
            return (0, "-");
        }

        try
        {
            var path = Path.Combine(runs[^1], RunFolder.ManifestFileName);
            var manifest = RunFolder.ReadManifestHead(path);
            return (runs.Count, $"{manifest.RunId} {RunLiveness.Describe(path, manifest, time)}");
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidDataException)
        {
            return (runs.Count, $"{Path.GetFileName(runs[^1])} unreadable manifest");
        }
    }
}
