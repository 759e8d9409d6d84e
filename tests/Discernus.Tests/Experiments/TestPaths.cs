namespace Discernus.Tests.Experiments;

/// <summary>Locates the repository's example projects and test fixtures from the test binaries.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Project(string name) => Path.Combine(RepositoryRoot, "projects", name);

    public static string Broken(string name) => Fixture("broken", name);

    public static string Warning(string name) => Fixture("warnings", name);

    public static string Valid(string name) => Fixture("valid", name);

    private static string Fixture(string kind, string name)
    {
        var path = Path.Combine(RepositoryRoot, "tests", "fixtures", kind, name);
        return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"fixture {path} is missing");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Discernus.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Discernus.sln above {AppContext.BaseDirectory}");
    }
}
