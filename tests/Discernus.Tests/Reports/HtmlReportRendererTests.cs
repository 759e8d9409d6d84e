using Discernus.Reports;
using Discernus.Statistics;

namespace Discernus.Tests.Reports;

/// <summary>
/// Hostile content in the report's Markdown (a document line quoted as evidence, model-written text, a file name):
/// one test per pattern, each checked on the parsed HTML. The text stays readable; nothing in it is live.
/// </summary>
public sealed class HtmlReportRendererTests
{
    private static readonly CorpusStatistics Statistics = StatisticsCalculator.Compute(
        [Statistics_.Record("a", 0.2), Statistics_.Record("b", 0.6)], ["hope"]);

    public static TheoryData<string, string> HostilePatterns => new()
    {
        { "javascript link", "[read](javascript:alert(1))" },
        { "mixed-case javascript link", "[read](JaVaScRiPt:alert(1))" },
        { "javascript with an entity", "[read](java&#x09;script:alert(1))" },
        { "vbscript link", "[read](vbscript:msgbox(1))" },
        { "data: HTML link", "[read](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)" },
        { "remote image (tracker)", "![x](http://tracker.example/p.png)" },
        { "data: image", "![x](data:image/png;base64,iVBORw0KGgo=)" },
        { "relative image", "![x](p.png)" },
        { "remote link", "[docs](https://example.com/page)" },
        { "protocol-relative link", "[x](//evil.example/p)" },
        { "autolink", "<http://tracker.example/x>" },
        { "bare URL", "see http://tracker.example/bare for more" },
        { "reference link", "[read][1]\n\n[1]: javascript:alert(1)" },
        { "script tag", "<script>alert(1)</script>" },
        { "img with onerror", "<img src=x onerror=alert(1)>" },
        { "svg onload", "<svg onload=alert(1)><circle r=5 /></svg>" },
        { "iframe", "<iframe src=\"http://evil.example\"></iframe>" },
        { "raw anchor", "<a href=\"http://evil.example\">click</a>" },
        { "style with url", "<style>body{background:url(http://evil.example/x)}</style>" },
        { "inline style attribute", "<p style=\"background:url(http://evil.example/x)\">x</p>" },
        { "meta refresh", "<meta http-equiv=\"refresh\" content=\"0;url=http://evil.example\">" },
        { "form", "<form action=\"http://evil.example\"><button>go</button></form>" },
        { "link in a table cell", "| a |\n|---|\n| [x](javascript:alert(1)) |" },
    };

    [Theory]
    [MemberData(nameof(HostilePatterns))]
    public void HostileMarkdown_BecomesHarmless(string pattern, string markdown)
    {
        foreach (var placement in new[] { markdown, $"> “{markdown}” — *speech.txt*", $"### A heading\n\nText before. {markdown} Text after." })
        {
            var html = HtmlReportRenderer.Render($"# Report\n\n{placement}\n", Statistics, "Report");

            var problems = HtmlSafety.Problems(html);
            Assert.True(problems.Count == 0, $"{pattern} in \"{placement}\":\n{string.Join("\n", problems)}");
        }
    }

    [Fact]
    public void NeutralisedLinks_StayReadableAsText()
    {
        var html = HtmlReportRenderer.Render("# R\n\n[read](javascript:alert(1)) and ![logo](http://tracker.example/p.png)\n", Statistics, "R");

        Assert.Contains("read (javascript:alert(1))", html);
        Assert.Contains("[image: logo (http://tracker.example/p.png)]", html);
    }

    [Fact]
    public void RelativeLinksAndAnchors_Survive()
    {
        var html = HtmlReportRenderer.Render("# R\n\n[methods](#methodology) and [scores](../exports/scores.csv)\n", Statistics, "R");

        Assert.Contains("<a href=\"#methodology\">methods</a>", html);
        Assert.Contains("<a href=\"../exports/scores.csv\">scores</a>", html);
        Assert.Empty(HtmlSafety.Problems(html));
    }

    [Fact]
    public void Charts_AreInlineSvg_InThePagesFont_AndTablesScroll()
    {
        var markdown = MarkdownReportBuilder.Chart("distribution") + "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";

        var html = HtmlReportRenderer.Render(markdown, Statistics, "R");

        Assert.True(html.Contains("<figure class=\"chart\"><svg", StringComparison.Ordinal), html[html.IndexOf("<body>", StringComparison.Ordinal)..]);
        Assert.Contains($"font-family: \"{ReportCharts.FontFamily}\"", html);
        Assert.Contains(ReportCharts.FontFamily, html[html.IndexOf("<svg", StringComparison.Ordinal)..]);
        Assert.Contains("<div class=\"table-scroll\"><table>", html);
        Assert.Empty(HtmlSafety.Problems(html));
    }

    private static class Statistics_
    {
        public static AnalysisRecord Record(string document, double hope) => StatisticsTestDataAccess.Scores(document, ("hope", hope));
    }
}
