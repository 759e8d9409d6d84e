using System.Net;
using System.Text.RegularExpressions;
using Discernus.Content;
using Discernus.Statistics;
using Ganss.Xss;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Discernus.Reports;

/// <summary>
/// Renders the Markdown report as one self-contained, safe HTML page. Document quotes and model-written text are
/// untrusted, so three layers stand between them and the browser: raw HTML is shown as text (Markdig's DisableHtml);
/// every link that is not relative or an in-page anchor, and every image, is turned back into plain text in the
/// Markdown tree; and the HTML is passed through HtmlSanitizer, which keeps no script, event handler or URL scheme.
/// The charts (our own SVG) are inserted after sanitising; tables scroll inside their own box.
/// </summary>
internal static partial class HtmlReportRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

    [GeneratedRegex(@"<!-- chart:([a-z_]+)(?::([^ ]+))? -->")]
    private static partial Regex ChartMarker();

    [GeneratedRegex(@"^(#|[A-Za-z0-9._~\-/][^:]*$|\.{0,2}/)")]
    private static partial Regex RelativeOrAnchor();

    /// <summary>
    /// Builds the sanitizer on the thread pool. Its first construction in a process initialises AngleSharp's CSS tables
    /// (about 100 ms, a twelfth of a short run's wall time); started early, it overlaps the report's loading, Markdown and
    /// charts instead of following them.
    /// </summary>
    public static Task<HtmlSanitizer> StartSanitizer() => Task.Run(CreateSanitizer);

    public static string Render(string markdown, CorpusStatistics statistics, string title, Task<HtmlSanitizer>? sanitizer = null)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        ArgumentNullException.ThrowIfNull(statistics);
        sanitizer ??= StartSanitizer();
        // Each chart marker becomes a token no document text can produce (a fresh GUID), replaced after sanitising.
        var charts = new Dictionary<string, string>(StringComparer.Ordinal);
        var withTokens = ChartMarker().Replace(markdown, m =>
        {
            var token = "DISCERNUSCHART" + Guid.NewGuid().ToString("N");
            charts[token] = Figure(m.Groups[1].Value, m.Groups[2].Success ? m.Groups[2].Value : null, statistics);
            return token;
        });

        var document = Markdown.Parse(withTokens, Pipeline);
        NeutraliseLinks(document);
        var body = sanitizer.GetAwaiter().GetResult().Sanitize(document.ToHtml(Pipeline));
        body = body.Replace("<table>", "<div class=\"table-scroll\"><table>", StringComparison.Ordinal)
            .Replace("</table>", "</table></div>", StringComparison.Ordinal);
        foreach (var (token, figure) in charts)
        {
            body = body.Replace($"<p>{token}</p>", figure, StringComparison.Ordinal).Replace(token, string.Empty, StringComparison.Ordinal);
        }

        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'">
            <title>{{WebUtility.HtmlEncode(title)}}</title>
            <style>
            * { box-sizing: border-box; }
            body { font-family: "{{ReportCharts.FontFamily}}", sans-serif; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.5; color: #1d1d1f; overflow-wrap: break-word; }
            h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; } h3 { font-size: 1.1rem; }
            .table-scroll { overflow-x: auto; max-width: 100%; margin: 1rem 0; }
            table { border-collapse: collapse; font-size: 0.9rem; }
            th, td { border: 1px solid #d0d0d5; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
            th { background: #f3f3f6; }
            blockquote { border-left: 4px solid #8aa4d6; margin: 0.8rem 0; padding: 0.2rem 1rem; background: #f7f9fd; }
            code { background: #f3f3f6; padding: 0 0.2rem; border-radius: 3px; overflow-wrap: anywhere; }
            pre { overflow-x: auto; }
            figure.chart { margin: 1.5rem 0; } figure.chart svg { max-width: 100%; height: auto; display: block; }
            figcaption { font-size: 0.85rem; color: #555; }
            </style>
            </head>
            <body>
            {{body}}
            </body>
            </html>
            """;
    }

    /// <summary>
    /// Links to anything but a relative path or an in-page anchor, and all images, become plain text showing their
    /// target: a reader sees what a document or a model wrote, and the page never loads or opens it.
    /// </summary>
    private static void NeutraliseLinks(MarkdownDocument document)
    {
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            var url = link.Url?.Trim() ?? string.Empty;
            if (!link.IsImage && IsSafe(url))
            {
                continue;
            }

            var label = string.Concat(link.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
            var text = link.IsImage ? $"[image: {label} ({url})]" : label.Length == 0 || label == url ? url : $"{label} ({url})";
            link.ReplaceBy(new LiteralInline(text));
        }

        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            if (!IsSafe(autolink.Url))
            {
                autolink.ReplaceBy(new LiteralInline(autolink.Url));
            }
        }
    }

    /// <summary>An in-page anchor or a relative path with no scheme and no host (not //host/...).</summary>
    internal static bool IsSafe(string url) =>
        url.Length > 0 && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
        && url.All(c => !char.IsControl(c) && !char.IsWhiteSpace(c)) && RelativeOrAnchor().IsMatch(url);

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        // No scheme at all: only relative URLs and #anchors survive (the links above already are).
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedTags.Remove("img");
        sanitizer.AllowedTags.Remove("form");
        sanitizer.AllowedTags.Remove("input");
        sanitizer.AllowedTags.Remove("button");
        sanitizer.AllowedAttributes.Add("id");
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowDataAttributes = false;
        return sanitizer;
    }

    private static string Figure(string kind, string? argument, CorpusStatistics statistics)
    {
        var (svg, caption) = kind switch
        {
            "distribution" => (ReportCharts.DistributionSvg(statistics), "Distribution of each dimension's scores over the documents."),
            "groups" => (statistics.Group(argument ?? string.Empty) is { } comparison ? ReportCharts.GroupMeansSvg(statistics, comparison) : null,
                $"Mean score per dimension by {argument}, with 95% confidence intervals."),
            "correlations" => (ReportCharts.CorrelationHeatmapSvg(statistics), "Pearson correlations between dimensions."),
            "agreement" => (ReportCharts.AgreementSvg(statistics.Reliability, statistics.Dimensions.Select(d => d.Name).ToList()),
                "Agreement per dimension (Krippendorff's alpha) between runs and between models."),
            "validity" => (ReportCharts.ValiditySvg(statistics.Validity),
                "Validity per dimension: the model's r with the coders' mean against the human ceiling, with 95% intervals; the dashed tick is the r the model had to reach."),
            _ => (null, string.Empty),
        };
        return svg is null ? string.Empty : $"<figure class=\"chart\">{Inline(svg, kind + argument)}<figcaption>{WebUtility.HtmlEncode(caption)}</figcaption></figure>";
    }

    /// <summary>
    /// Makes a standalone SVG document fit inside the page: no XML declaration, and its ids (ScottPlot numbers its clip
    /// paths from 1 in every chart) prefixed per chart so two charts never clip each other's drawing.
    /// </summary>
    private static string Inline(string svg, string chart)
    {
        var prefix = "c" + Hashing.Sha256Hex(chart)[..8] + "_";
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        var body = start < 0 ? svg : svg[start..];
        return SvgIdReference().Replace(body, m => $"{m.Groups[1].Value}{prefix}{m.Groups[2].Value}");
    }

    [GeneratedRegex(@"(id=""|url\(#|href=""#)([A-Za-z_][\w\-]*)")]
    private static partial Regex SvgIdReference();
}
