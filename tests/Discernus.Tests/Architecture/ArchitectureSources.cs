namespace Discernus.Tests.Architecture;

/// <summary>The repository's own source files (.cs and .razor, build output left out), for tests that read code as text.</summary>
internal static class ArchitectureSources
{
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Discernus.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"the repository root (with Discernus.sln) was not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Paths relative to <paramref name="root"/>, with forward slashes.</summary>
    public static IEnumerable<string> Files(string root, string folder) =>
        Directory.EnumerateFiles(Path.Combine(root, folder), "*.*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".cs", StringComparison.Ordinal) || path.EndsWith(".razor", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
}
