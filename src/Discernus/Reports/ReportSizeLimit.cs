using System.Globalization;
using System.Text;
using Discernus.Provenance;

namespace Discernus.Reports;

/// <summary>
/// Keeps report.md and report.html under <c>DISCERNUS_MAX_REPORT_BYTES</c>: past it the report keeps its first
/// top-level sections (summary, findings, methodology come first) and ends with a section that says what was left out
/// and where every number still is. A report a browser cannot open (183 MB for 500 dimensions) helps no one.
/// </summary>
internal static class ReportSizeLimit
{
    public const string Setting = "DISCERNUS_MAX_REPORT_BYTES";

    /// <summary>
    /// The Markdown cut at a section boundary so that it and its HTML rendering fit <paramref name="maxBytes"/>, or
    /// the same text when both already do. <paramref name="render"/> turns Markdown into the HTML report.
    /// </summary>
    public static (string Markdown, string Html, bool Cut) Fit(string markdown, Func<string, string> render, long maxBytes)
    {
        var html = render(markdown);
        var markdownBytes = Encoding.UTF8.GetByteCount(markdown);
        var htmlBytes = Encoding.UTF8.GetByteCount(html);
        if (markdownBytes <= maxBytes && htmlBytes <= maxBytes)
        {
            return (markdown, html, false);
        }

        // HTML is larger than its Markdown by a roughly constant factor (markup, charts): aim the Markdown below both.
        var budget = (long)(maxBytes * Math.Min(1.0, (double)markdownBytes / Math.Max(1, htmlBytes)) * 0.8);
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var cut = Cut(markdown, budget, Math.Max(markdownBytes, htmlBytes), maxBytes);
            var cutHtml = render(cut);
            if (Encoding.UTF8.GetByteCount(cut) <= maxBytes && Encoding.UTF8.GetByteCount(cutHtml) <= maxBytes)
            {
                return (cut, cutHtml, true);
            }

            budget /= 2;
        }

        var note = Note(Math.Max(markdownBytes, htmlBytes), maxBytes, "its first section");
        return (note, render(note), true);
    }

    private static string Cut(string markdown, long budget, long fullBytes, long maxBytes)
    {
        var sections = markdown.Split("\n## ");
        var kept = new StringBuilder(sections[0]);
        var used = Encoding.UTF8.GetByteCount(sections[0]);
        var count = 1;
        for (; count < sections.Length; count++)
        {
            var size = Encoding.UTF8.GetByteCount(sections[count]) + 4;
            if (used + size > budget)
            {
                break;
            }

            kept.Append("\n## ").Append(sections[count]);
            used += size;
        }

        var left = sections.Skip(count).Select(s => s.Split('\n', 2)[0].Trim()).Where(s => s.Length > 0).ToList();
        return kept.ToString().TrimEnd() + "\n\n" + Note(fullBytes, maxBytes, left.Count == 0 ? "nothing" : string.Join(", ", left.Select(s => $"“{s}”")));
    }

    private static string Note(long fullBytes, long maxBytes, string leftOut) =>
        string.Create(CultureInfo.InvariantCulture,
            $"## Report cut\n\n> ⚠ The full report would be {fullBytes / 1_000_000.0:N1} MB, over the limit of {maxBytes:N0} bytes ({Setting}). Left out: {leftOut}. Every number is still in `{RunFolder.StatisticsFile}` and the exports (`discernus export <run-folder>`); raise the limit with {Setting} to have it all here.\n");
}
