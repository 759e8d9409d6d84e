using Discernus.Content;

namespace Discernus.Provenance;

internal static partial class ManifestStream
{
    /// <summary>
    /// The entries of the <c>files</c> list of <paramref name="listsFrom"/> with <paramref name="files"/> applied, one at
    /// a time: entries of a removed role or a replaced path left out, the analysis results and added files listed once.
    /// </summary>
    private static void WriteFiles(string listsFrom, ManifestFileChanges? files, Action<ManifestFile> entry)
    {
        var added = files?.Add ?? [];
        var addedPaths = added.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var results = files?.AnalysisResults ?? [];
        var listedResults = new HashSet<Sha256Key>();
        ReadList<ManifestFile>(listsFrom, FilesProperty, file =>
        {
            if ((files?.RemoveRole is { } role && file.Role == role) || files?.Replace?.Contains(file.Path) == true)
            {
                return;
            }

            if (results.Count > 0 && file.Role == ManifestFileChanges.AnalysisResultRole && Hashing.IsSha256Hex(file.Sha256)
                && file.Path == RunFolder.AnalysisResultFile(file.Sha256))
            {
                listedResults.Add(Sha256Key.FromHex(file.Sha256));
            }
            else if (addedPaths.Contains(file.Path))
            {
                listed.Add(file.Path);
            }

            entry(file);
        });

        // As Concat(...).DistinctBy(path): a file listed already keeps its entry.
        foreach (var result in results)
        {
            if (listedResults.Add(result))
            {
                var hash = result.ToHex();
                entry(new ManifestFile(RunFolder.AnalysisResultFile(hash), hash, ManifestFileChanges.AnalysisResultRole));
            }
        }

        foreach (var file in added.DistinctBy(f => f.Path).Where(f => !listed.Contains(f.Path)))
        {
            entry(file);
        }
    }
}
