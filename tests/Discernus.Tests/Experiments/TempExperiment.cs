namespace Discernus.Tests.Experiments;

/// <summary>
/// A private copy of an experiment folder under the system temp folder, so a test can mutate it (links, bytes, runs)
/// without touching <c>projects/</c> or <c>tests/fixtures/</c>. <see cref="Sandbox"/> is the folder around the copy:
/// files placed there are "outside the experiment".
/// </summary>
internal sealed class TempExperiment : IDisposable
{
    private TempExperiment(string sandbox, string path)
    {
        Sandbox = sandbox;
        Path = path;
    }

    public string Sandbox { get; }

    public string Path { get; }

    public static TempExperiment CopyOf(string source)
    {
        var sandbox = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "discernus-tests", Guid.NewGuid().ToString("N"));
        var path = System.IO.Path.Combine(sandbox, System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(source)));
        CopyDirectory(source, path);
        return new TempExperiment(sandbox, path);
    }

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public string Outside(string relative) => System.IO.Path.Combine(Sandbox, relative);

    public void Replace(string relative, string oldText, string newText)
    {
        var file = File(relative);
        var text = System.IO.File.ReadAllText(file);
        Assert.Contains(oldText, text);
        System.IO.File.WriteAllText(file, text.Replace(oldText, newText, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Sandbox, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            System.IO.File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(source))
        {
            var name = System.IO.Path.GetFileName(directory);
            if (name != "runs")
            {
                CopyDirectory(directory, System.IO.Path.Combine(target, name));
            }
        }
    }
}
