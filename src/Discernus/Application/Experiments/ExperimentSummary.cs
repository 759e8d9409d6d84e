using Discernus.Experiments;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>One run as the lists show it.</summary>
public sealed record RunSummary(string RunId, string Status, string Liveness, string CreatedAt, IReadOnlyList<string> Models, int Documents, bool Final);

/// <summary>An experiment folder with its validation (as `discernus validate` reports it) and its runs, newest first.</summary>
public sealed record ExperimentSummary(string Folder, string Path, ValidationReport Report, IReadOnlyList<RunSummary> Runs)
{
    /// <summary>True while the folder's first validation is still running: <see cref="Report"/> is then empty.</summary>
    public bool Pending { get; init; }

    /// <summary>The folder with its validation from the <see cref="ValidationCache"/> (never validated here) and its runs.</summary>
    public static async Task<ExperimentSummary> ReadAsync(ProjectPaths paths, string experimentFolder, ValidationCache validations, TimeProvider time, CancellationToken cancellationToken)
    {
        var report = await validations.GetAsync(experimentFolder, cancellationToken).ConfigureAwait(false);
        return Read(paths, experimentFolder, report, time);
    }

    private static ExperimentSummary Read(ProjectPaths paths, string experimentFolder, ValidationReport? report, TimeProvider time)
    {
        var runs = new List<RunSummary>();
        foreach (var folder in paths.RunFolders(experimentFolder))
        {
            var manifestPath = System.IO.Path.Combine(folder, RunFolder.ManifestFileName);
            try
            {
                // The head only: a run of 100,000 documents has a 100 MB manifest, and this runs for every run on every look.
                var manifest = RunFolder.ReadManifestHead(manifestPath);
                runs.Add(new RunSummary(System.IO.Path.GetFileName(folder), manifest.Status, RunLiveness.Describe(manifestPath, manifest, time), manifest.CreatedAt,
                    manifest.Models?.Names ?? [], manifest.Corpus?.DocumentCount ?? 0, RunStatus.IsFinal(manifest.Status)));
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidDataException)
            {
                runs.Add(new RunSummary(System.IO.Path.GetFileName(folder), "unreadable", $"unreadable manifest: {ex.Message}", string.Empty, [], 0, true));
            }
        }

        return new ExperimentSummary(System.IO.Path.GetFileName(experimentFolder), experimentFolder,
            report ?? new ValidationReport { ExperimentPath = experimentFolder, Findings = [] }, runs)
        { Pending = report is null };
    }
}
