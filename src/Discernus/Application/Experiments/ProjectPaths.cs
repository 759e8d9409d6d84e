using Discernus.Experiments;

namespace Discernus.Application;

/// <summary>
/// The only way a request turns a name into a path. Every name from a URL is one path segment (no separator, no
/// <c>.</c> or <c>..</c>, no control character), must exist as a direct child of the folder it is looked up in, and its
/// real location (symbolic links resolved at every level) must stay inside the projects folder; otherwise the request
/// is answered 404 as if nothing were there.
/// </summary>
public sealed class ProjectPaths
{
    public ProjectPaths(string projectsDirectory)
    {
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(projectsDirectory));
        RealRoot = SafePaths.RealPath(Root);
    }

    public string Root { get; }

    private string RealRoot { get; }

    /// <summary>Whether <paramref name="name"/> can only ever mean one direct child of a folder.</summary>
    public static bool IsPlainSegment(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 255 && name is not "." and not ".."
        && name.IndexOfAny(['/', '\\', '\0']) < 0 && !name.Any(char.IsControl) && SafePaths.IsValidName(name) && name.Trim() == name;

    /// <summary>Whether the OS can be asked about <paramref name="path"/> at all: no NUL or other forbidden character, no broken surrogate.</summary>
    public static bool IsValidName(string path) => SafePaths.IsValidName(path);

    /// <summary>A name as it can be shown to a user: control characters and broken surrogates written as escapes (\0, \u0007).</summary>
    public static string Printable(string name) => SafePaths.Printable(name);

    /// <summary>The experiment folder <paramref name="name"/> (a folder with an experiment file), or null.</summary>
    public string? Experiment(string? name)
    {
        var folder = Child(Root, name, directory: true);
        return folder is not null && ExperimentFiles.Any(f => File.Exists(Path.Combine(folder, f))) ? folder : null;
    }

    /// <summary>The run folder <c>runs/&lt;runId&gt;</c> of an experiment (one with a manifest), or null.</summary>
    public string? Run(string experimentFolder, string? runId)
    {
        var runs = Child(experimentFolder, "runs", directory: true);
        var folder = runs is null ? null : Child(runs, runId, directory: true);
        return folder is not null && File.Exists(Path.Combine(folder, Provenance.RunFolder.ManifestFileName)) ? folder : null;
    }

    /// <summary>
    /// A file named by a run's own records (a manifest path such as <c>results/reports/report.html</c>), or null when it
    /// is missing, not a regular file, or leads outside the projects folder.
    /// </summary>
    public string? FileInside(string folder, string relative)
    {
        if (SafePaths.Check(folder, relative, out var full) != SafePaths.Outcome.Inside || !IsInside(full))
        {
            return null;
        }

        return FileKinds.Of(full) == FileKind.Regular ? full : null;
    }

    /// <summary>Whether the real location of <paramref name="path"/> is inside the projects folder.</summary>
    public bool IsInside(string path) => SafePaths.IsUnder(RealRoot, SafePaths.RealPath(path));

    /// <summary>Experiment folders directly under the projects folder, in name order.</summary>
    public IReadOnlyList<string> ExperimentFolders() =>
        Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)
                .Select(Experiment).OfType<string>().ToList()
            : [];

    /// <summary>Run folders of an experiment, newest first (run ids start with their UTC time).</summary>
    public IReadOnlyList<string> RunFolders(string experimentFolder)
    {
        var runs = Child(experimentFolder, "runs", directory: true);
        return runs is null
            ? []
            : Directory.EnumerateDirectories(runs).Select(Path.GetFileName).OfType<string>().OrderDescending(StringComparer.Ordinal)
                .Select(id => Run(experimentFolder, id)).OfType<string>().ToList();
    }

    private static readonly string[] ExperimentFiles = ["experiment.md", "experiment.yaml", "experiment.yml"];

    private string? Child(string folder, string? name, bool directory)
    {
        if (!IsPlainSegment(name))
        {
            return null;
        }

        var full = Path.Combine(folder, name!);
        var exists = directory ? Directory.Exists(full) : File.Exists(full);
        return exists && IsInside(full) ? full : null;
    }
}
