using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Discernus.Reports;

/// <summary>
/// report.md as harmless as report.html (<see cref="HtmlReportRenderer"/>): quotes and model-written text may carry raw
/// HTML and links, and a Markdown viewer would render them. Every HTML block or inline (but our own chart markers) is
/// escaped so it shows as text, and every link or image that is not relative or an in-page anchor becomes its label
/// and its target in a code span, which no viewer turns into a link. The Markdown is parsed with the same extensions as
/// the HTML report and rewritten at the source positions of those nodes only; everything else is kept byte for byte.
/// </summary>
internal static partial class MarkdownSafety
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().UsePreciseSourceLocation().Build();

    [GeneratedRegex(@"^\s*<!-- chart:[a-z_]+(?::[^ ]+)? -->\s*$")]
    private static partial Regex ChartMarker();

    public static string Neutralise(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var document = Markdown.Parse(markdown, Pipeline);
        var edits = new List<(int Start, int End, string Text)>();
        foreach (var node in document.Descendants())
        {
            var edit = node switch
            {
                HtmlBlock block => Html(markdown, block.Span),
                HtmlInline inline => Html(markdown, inline.Span),
                LinkInline link when link.IsImage || !HtmlReportRenderer.IsSafe(link.Url?.Trim() ?? string.Empty) => Link(link),
                AutolinkInline autolink when !HtmlReportRenderer.IsSafe(autolink.Url) => (autolink.Span, Code(autolink.Url)),
                _ => ((SourceSpan, string)?)null,
            };
            if (edit is { } e && !e.Item1.IsEmpty)
            {
                edits.Add((e.Item1.Start, e.Item1.End, e.Item2));
            }
        }

        if (edits.Count == 0)
        {
            return markdown;
        }

        // Outermost first: an edit inside one already made (HTML in a link's label) is part of it.
        var text = new StringBuilder(markdown.Length + (edits.Count * 8));
        var position = 0;
        foreach (var (start, end, replacement) in edits.OrderBy(e => e.Start).ThenByDescending(e => e.End))
        {
            if (start < position)
            {
                continue;
            }

            text.Append(markdown, position, start - position).Append(replacement);
            position = end + 1;
        }

        return text.Append(markdown, position, markdown.Length - position).ToString();
    }

    private static (SourceSpan, string)? Html(string markdown, SourceSpan span)
    {
        var source = markdown.Substring(span.Start, span.Length);
        // A backslash before '<' makes it a literal character in every CommonMark viewer.
        return ChartMarker().IsMatch(source) ? null : (span, source.Replace("<", "\\<", StringComparison.Ordinal));
    }

    private static (SourceSpan, string) Link(LinkInline link)
    {
        var url = link.Url?.Trim() ?? string.Empty;
        var label = string.Concat(link.Descendants<LiteralInline>().Select(l => l.Content.ToString())).Replace("<", "\\<", StringComparison.Ordinal);
        var text = link.IsImage ? $"[image: {label} {Code(url)}]" : label.Length == 0 || label == url ? Code(url) : $"{label} ({Code(url)})";
        return (link.Span, text);
    }

    /// <summary>A code span holding <paramref name="text"/> whatever backticks it contains.</summary>
    private static string Code(string text)
    {
        var fence = new string('`', LongestRun(text, '`') + 1);
        return text.StartsWith('`') || text.EndsWith('`') ? $"{fence} {text} {fence}" : $"{fence}{text}{fence}";
    }

    private static int LongestRun(string text, char c)
    {
        int longest = 0, run = 0;
        foreach (var x in text)
        {
            run = x == c ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }
}
