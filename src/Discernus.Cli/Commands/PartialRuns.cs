using Discernus.Provenance;

namespace Discernus.Cli.Commands;

/// <summary>Finds the run a `run --from` starts from when none is named.</summary>
internal static class PartialRuns
{
    /// <summary>The latest run of the experiment whose <paramref name="stage"/> finished, or null.</summary>
    public static string? LatestWith(string experimentDirectory, string stage)
    {
        var runs = Path.Combine(experimentDirectory, "runs");
        if (!Directory.Exists(runs))
        {
            return null;
        }

        // Run ids start with their UTC start time, so name order is time order.
        foreach (var folder in Directory.EnumerateDirectories(runs).OrderDescending(StringComparer.Ordinal))
        {
            var manifestPath = Path.Combine(folder, RunFolder.ManifestFileName);
            if (!File.Exists(manifestPath))
            {
                continue;
            }

            try
            {
                var manifest = RunFolder.ReadManifestHead(manifestPath);
                if (manifest.Stages.FirstOrDefault(s => s.Name == stage)?.Status is RunStatus.Completed or RunStatus.CompletedWithFailures)
                {
                    return folder;
                }
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidDataException)
            {
                // An unreadable run is not a candidate; the next older one may be.
                continue;
            }
        }

        return null;
    }
}
