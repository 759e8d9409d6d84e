using System.Net;
using Discernus.Statistics;
using Markdig;

namespace Discernus.Reports;

/// <summary>Renders the Markdown report as one self-contained HTML page, with a chart of the dimension means.</summary>
internal static class HtmlReportRenderer
{
    // Document quotes and model-written text are untrusted: raw HTML in them is shown as text, never rendered.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();
    private const string ChartPlaceholder = "DISCERNUSCHARTPLACEHOLDER";

    public static string Render(string markdown, CorpusStatistics statistics, string title)
    {
        var body = Markdown.ToHtml(markdown.Replace(MarkdownReportBuilder.ChartMarker, ChartPlaceholder, StringComparison.Ordinal), Pipeline);
        var chart = ReportCharts.DimensionMeansSvg(statistics);
        var figure = chart is null ? string.Empty : $"<figure class=\"chart\">{chart}<figcaption>Mean score per dimension (error bars: ±1 sd)</figcaption></figure>";
        body = body.Replace($"<p>{ChartPlaceholder}</p>", figure, StringComparison.Ordinal);
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{WebUtility.HtmlEncode(title)}}</title>
            <style>
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1d1d1f; }
            table { border-collapse: collapse; margin: 1rem 0; font-size: 0.92rem; }
            th, td { border: 1px solid #d0d0d5; padding: 0.3rem 0.6rem; text-align: left; }
            th { background: #f3f3f6; }
            blockquote { border-left: 4px solid #8aa4d6; margin: 0.8rem 0; padding: 0.2rem 1rem; background: #f7f9fd; }
            code { background: #f3f3f6; padding: 0 0.2rem; border-radius: 3px; }
            figure.chart { margin: 1.5rem 0; } figure.chart svg { max-width: 100%; height: auto; }
            figcaption { font-size: 0.85rem; color: #555; }
            </style>
            </head>
            <body>
            {{body}}
            </body>
            </html>
            """;
    }
}
