using System.Security.Cryptography;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>The corpus folder as it is on disk: its files, the links out of it, and the files no manifest lists.</summary>
internal sealed partial class ExperimentReader
{
    /// <summary>Walks the corpus folder without following links out of it; files behind escaping links are reported, not read.</summary>
    private List<string> EnumerateDocuments(string directory, string documentsDirectory, string reportFile, Func<string, bool> include, FindingCollector findings)
    {
        var files = new List<string>();
        var listing = CorpusWalker.Walk(directory, documentsDirectory);
        WarnFolderLinks(listing, findings);
        foreach (var file in listing.Files)
        {
            if (!include(file) || Path.GetFileName(file).Equals("corpus.md", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!SafePaths.ResolvesInside(directory, file))
            {
                findings.Blocking(FindingCodes.PathEscapes, file, null, "this corpus file is a symbolic link that leads outside the experiment folder",
                    "replace the link with a copy of the file");
                continue;
            }

            files.Add(file);
            if (files.Count > limits.MaxDocuments)
            {
                findings.Blocking(FindingCodes.TooManyDocuments, reportFile, null,
                    $"the corpus holds more than {limits.MaxDocuments:N0} documents",
                    "split the corpus, or raise the limit with DISCERNUS_MAX_DOCUMENTS");
                return [];
            }
        }

        return files;
    }

    private static void WarnFolderLinks(CorpusWalker.Listing listing, FindingCollector findings)
    {
        foreach (var link in listing.SkippedFolderLinks)
        {
            findings.Warning(FindingCodes.UnlistedFile, link, null,
                "this is a symbolic link to a folder; it is not followed, so nothing behind it is analysed",
                "copy the documents into the corpus folder instead of linking a folder");
        }

        foreach (var (folder, reason) in listing.UnreadableFolders)
        {
            findings.Warning(FindingCodes.FileUnreadable, folder, null,
                $"this folder cannot be listed ({reason}); nothing in it is analysed or checked",
                "make it readable, e.g. `chmod -R u+rX <folder>`, or move it out of the corpus folder");
        }
    }

    private static void WarnUnlisted(string experimentDirectory, string documentsDirectory, string manifestPath, IEnumerable<string> listed, FindingCollector findings)
    {
        var listedPaths = listed.ToHashSet(StringComparer.Ordinal);
        var unlisted = new List<string>();
        var listing = CorpusWalker.Walk(experimentDirectory, documentsDirectory);
        WarnFolderLinks(listing, findings);
        foreach (var file in listing.Files)
        {
            if (!listedPaths.Contains(file) && !string.Equals(file, manifestPath, StringComparison.Ordinal))
            {
                unlisted.Add(Path.GetRelativePath(documentsDirectory, file));
            }
        }

        if (unlisted.Count > 0)
        {
            var shown = string.Join(", ", unlisted.Take(10)) + (unlisted.Count > 10 ? $" and {unlisted.Count - 10} more" : string.Empty);
            findings.Warning(FindingCodes.UnlistedFile, manifestPath, "documents",
                $"{unlisted.Count} file(s) in {findings.Relative(documentsDirectory)}/ are not listed in the manifest and will not be analysed: {shown}",
                "add them to `documents` or move them out of the corpus folder");
        }
    }
}
