namespace Discernus.Experiments;

/// <summary>
/// Lists the files of a corpus folder without ever leaving the experiment: links to folders are not followed (a link
/// to "." would repeat the corpus, a link to "/" would walk the machine), hidden entries are skipped, and Discernus'
/// own output folders (<c>runs/</c>) are never taken for documents, even when the corpus folder is the experiment root.
/// </summary>
internal static class CorpusWalker
{
    /// <param name="UnreadableFolders">Folders that could not be listed, with the reason: reported, never silently skipped.</param>
    public sealed record Listing(IReadOnlyList<string> Files, IReadOnlyList<string> SkippedFolderLinks, IReadOnlyList<(string Folder, string Reason)> UnreadableFolders);

    public static Listing Walk(string experimentDirectory, string documentsDirectory)
    {
        var files = new List<string>();
        var links = new List<string>();
        var unreadable = new List<(string, string)>();
        var runs = Path.Combine(Path.GetFullPath(experimentDirectory), "runs");
        var pending = new Stack<string>();
        pending.Push(documentsDirectory);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            List<FileSystemInfo> entries;
            try
            {
                // Listed in full here, so a folder that vanishes or refuses half-way is caught, not thrown from the loop below.
                entries = new DirectoryInfo(directory).EnumerateFileSystemInfos().ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                unreadable.Add((directory, ex is UnauthorizedAccessException ? "permission denied" : ex.Message));
                continue;
            }

            foreach (var entry in entries)
            {
                if (entry.Name.StartsWith('.'))
                {
                    continue;
                }

                if (entry is DirectoryInfo folder)
                {
                    if (folder.LinkTarget is not null)
                    {
                        links.Add(folder.FullName);
                    }
                    else if (!string.Equals(folder.FullName, runs, StringComparison.Ordinal))
                    {
                        pending.Push(folder.FullName);
                    }

                    continue;
                }

                files.Add(entry.FullName);
            }
        }

        files.Sort(StringComparer.Ordinal);
        links.Sort(StringComparer.Ordinal);
        return new Listing(files, links, unreadable);
    }
}
