using System.Text.RegularExpressions;

namespace Discernus.Experiments;

/// <summary>
/// Finds the YAML blocks of a Markdown specification file the tolerant way SPEC §1 describes: fenced blocks (closed,
/// or ended by an "End of Machine-Readable Appendix" line, or by the end of the file), unfenced blocks between
/// Start/End appendix markers, and YAML front matter. Which block is "the appendix" is decided by the caller
/// (the last one that parses and has the expected keys).
/// </summary>
internal static partial class AppendixFinder
{
    [GeneratedRegex(@"^\s*(```|~~~)\s*(yaml|yml)\b", RegexOptions.IgnoreCase)]
    private static partial Regex YamlFenceOpen();

    [GeneratedRegex(@"^\s*(```|~~~)")]
    private static partial Regex AnyFence();

    [GeneratedRegex(@"^\s*#*\s*-{2,}\s*End of Machine-Readable Appendix\s*-{2,}\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex EndMarker();

    [GeneratedRegex(@"^\s*#*\s*-{2,}\s*Start of Machine-Readable Appendix\s*-{2,}\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex StartMarker();

    public static IReadOnlyList<YamlBlock> FindBlocks(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<YamlBlock>();

        var frontMatter = FrontMatter(lines);
        if (frontMatter is not null)
        {
            blocks.Add(frontMatter);
        }

        var inOtherFence = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (inOtherFence)
            {
                if (AnyFence().IsMatch(line))
                {
                    inOtherFence = false;
                }

                continue;
            }

            if (YamlFenceOpen().IsMatch(line))
            {
                var start = i + 1;
                var end = start;
                while (end < lines.Length && !AnyFence().IsMatch(lines[end]) && !EndMarker().IsMatch(lines[end]))
                {
                    end++;
                }

                blocks.Add(new YamlBlock(string.Join('\n', lines[start..end]), start + 1, "fenced"));
                i = end;
                continue;
            }

            if (AnyFence().IsMatch(line))
            {
                inOtherFence = true;
                continue;
            }

            if (StartMarker().IsMatch(line))
            {
                var start = i + 1;
                var end = start;
                while (end < lines.Length && !EndMarker().IsMatch(lines[end]))
                {
                    end++;
                }

                blocks.Add(new YamlBlock(string.Join('\n', StripFenceLines(lines, start, end)), start + 1, "marked"));
                i = end;
            }
        }

        return blocks;
    }

    /// <summary>Fence lines inside a marked appendix are blanked (not removed) so YAML line numbers still match the file.</summary>
    private static IEnumerable<string> StripFenceLines(string[] lines, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            yield return AnyFence().IsMatch(lines[i]) ? string.Empty : lines[i];
        }
    }

    private static YamlBlock? FrontMatter(string[] lines)
    {
        if (lines.Length == 0 || lines[0].TrimEnd() != "---")
        {
            return null;
        }

        for (var i = 1; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimEnd();
            if (trimmed is "---" or "...")
            {
                return new YamlBlock(string.Join('\n', lines[1..i]), 2, "front_matter");
            }
        }

        return null;
    }
}
