using System.Globalization;
using System.Text;

namespace Discernus.Experiments;

/// <summary>
/// Resolves paths named by an experiment and keeps them inside the experiment folder: no absolute paths, no
/// <c>..</c> escapes and no symbolic links (at any level) that lead elsewhere (SPEC §4).
/// </summary>
internal static class SafePaths
{
    private const int MaxLinkHops = 40;

    public enum Outcome
    {
        Inside,
        Absolute,
        DotDotEscape,
        SymlinkEscape,
        /// <summary>A name no file system takes (a NUL or, on Windows, a character such as '|'), or text that is not valid Unicode.</summary>
        InvalidName,
    }

    public static Outcome Check(string root, string relative, out string fullPath)
    {
        fullPath = string.Empty;
        if (!IsValidName(relative))
        {
            return Outcome.InvalidName;
        }

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

    /// <summary>Whether the OS can be asked about <paramref name="path"/> at all: no NUL or other forbidden character, no broken surrogate.</summary>
    public static bool IsValidName(string path)
    {
        if (path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            return false;
        }

        var rest = path.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var used) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            rest = rest[used..];
        }

        return true;
    }

    /// <summary>A name as it can be shown in a finding: control characters and broken surrogates written as escapes (\0, \u0007).</summary>
    public static string Printable(string name)
    {
        var text = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]);
            if (pair)
            {
                text.Append(c).Append(name[++i]);
            }
            else if (c == '\0')
            {
                text.Append("\\0");
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
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
        var hops = 0;
        return RealPath(path, ref hops);
    }

    /// <summary>
    /// One budget of link hops for the whole resolution, as the kernel's ELOOP limit: a link that leads to itself (or a
    /// ring of links) would otherwise recurse until the stack overflows. Past the budget the path is left unresolved,
    /// and reading it is refused later as not a regular file.
    /// </summary>
    private static string RealPath(string path, ref int hops)
    {
        var full = Path.GetFullPath(path);
        var rootPart = Path.GetPathRoot(full) ?? "/";
        var parts = full[rootPart.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = rootPart;
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            while (info.Exists && info.LinkTarget is { } target && hops++ < MaxLinkHops)
            {
                next = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target));
                next = RealPath(next, ref hops);
                info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            }

            current = next;
        }

        return current;
    }
}
