using Discernus.Experiments;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>
/// Hand coding against the models, for `discernus serve`'s coding pages: the run the coders are compared with, the
/// evidence they judge, and the live agreement between them and the models.
/// </summary>
public static class CodingService
{
    public static AgreementView Agreement(Experiment experiment, ProjectPaths paths, TimeProvider time)
    {
        var latest = LatestFinishedRun(experiment.Directory, paths, time);
        return AgreementView.Compute(experiment, GoldStore.Read(experiment), latest?.RunId, latest?.Results ?? []);
    }

    /// <summary>The newest run that finished with results: the models the coders are compared with.</summary>
    public static RunData? LatestFinishedRun(string experimentFolder, ProjectPaths paths, TimeProvider time)
    {
        foreach (var folder in paths.RunFolders(experimentFolder))
        {
            try
            {
                var manifest = RunFolder.ReadManifest(Path.Combine(folder, RunFolder.ManifestFileName));
                if (manifest.Status is RunStatus.Completed or RunStatus.CompletedWithFailures && manifest.Outputs.AnalysisResults.Count > 0)
                {
                    return RunData.Load(paths, experimentFolder, folder, time);
                }
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidDataException)
            {
                // An unreadable run is skipped; the run pages say what is wrong with it.
            }
        }

        return null;
    }

    public static IReadOnlyList<EvidenceItem> EvidenceItems(Experiment experiment, string coder, RunData run, string documentId)
    {
        var judged = GoldStore.ReadEvidence(experiment).Where(j => j.Coder == coder && j.DocumentId == documentId).ToList();
        var index = 0;
        return run.Results.Where(r => r.CorpusDocumentId == documentId)
            .OrderBy(r => r.ProcessingMetadata.Model, StringComparer.Ordinal).ThenBy(r => r.ProcessingMetadata.Run)
            .SelectMany(r => r.FrameworkAnalysis.SelectMany(kv => kv.Value.Evidence.Where(e => e.Verified).Select(e => (r.ProcessingMetadata.Model, kv.Key, e.Quote))))
            .DistinctBy(e => (e.Model, e.Key, e.Quote))
            .Select(e => new EvidenceItem(index++, e.Key, e.Model, run.RunId, e.Quote,
                judged.LastOrDefault(j => j.Dimension == e.Key && j.Model == e.Model && j.Quote == e.Quote)?.Supports))
            .ToList();
    }
}
