namespace Discernus.Experiments;

/// <summary>
/// Resolves paths named by an experiment and keeps them inside the experiment folder: no absolute paths, no
/// <c>..</c> escapes and no symbolic links (at any level) that lead elsewhere (SPEC §4).
/// </summary>
internal static class SafePaths
{
    public enum Outcome
    {
        Inside,
        Absolute,
        DotDotEscape,
        SymlinkEscape,
    }

    public static Outcome Check(string root, string relative, out string fullPath)
    {
        fullPath = string.Empty;
        if (Path.IsPathRooted(relative) || relative.StartsWith('~'))
        {
            return Outcome.Absolute;
        }

        var realRoot = RealPath(root);
        fullPath = Path.GetFullPath(Path.Combine(root, relative));
        if (!IsUnder(Path.GetFullPath(root), fullPath))
        {
            return Outcome.DotDotEscape;
        }

        return IsUnder(realRoot, RealPath(fullPath)) ? Outcome.Inside : Outcome.SymlinkEscape;
    }

    /// <summary>For a file found by enumeration: is its real location still inside the experiment?</summary>
    public static bool ResolvesInside(string root, string fullPath) => IsUnder(RealPath(root), RealPath(fullPath));

    public static bool IsUnder(string root, string path)
    {
        var normalizedRoot = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        return path.StartsWith(normalizedRoot, StringComparison.Ordinal) || path == Path.TrimEndingDirectorySeparator(root);
    }

    /// <summary>Resolves symbolic links in every component of the path (like realpath(3)); missing tails are kept as they are.</summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var rootPart = Path.GetPathRoot(full) ?? "/";
        var parts = full[rootPart.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = rootPart;
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            var hops = 0;
            while (info.Exists && info.LinkTarget is not null && hops++ < 40)
            {
                var target = info.LinkTarget;
                next = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target));
                next = RealPath(next);
                info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            }

            current = next;
        }

        return current;
    }
}
